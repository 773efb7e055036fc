# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
# Shared by the *-trial.sh examples: run a command under libvfiocompat.so with
# a JSON Lines report, then print the verdict and where the report is.
# Set VFIOCOMPAT_SHIM to the library (default: next to this checkout's build,
# else the installed one) and VFIOCOMPAT_LOG to choose the report path.

vfc_trial() { # vfc_trial NAME COMMAND...
	local name=$1; shift
	local here; here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	local shim=${VFIOCOMPAT_SHIM:-}
	if [ -z "$shim" ]; then
		for c in "$here/../build/libvfiocompat.so" /usr/local/lib/libvfiocompat.so /usr/lib/libvfiocompat.so; do
			[ -f "$c" ] && { shim=$c; break; }
		done
	fi
	[ -f "$shim" ] || { echo "$name-trial: libvfiocompat.so not found; run make, or set VFIOCOMPAT_SHIM" >&2; return 2; }
	local log=${VFIOCOMPAT_LOG:-${TMPDIR:-/tmp}/vfiocompat-$name-$$.jsonl}
	rm -f "$log"
	LD_PRELOAD=$shim VFIOCOMPAT_LOG=$log "$@"
	local rc=$?
	local verdict
	verdict=$(python3 - "$log" <<'PY'
import json, sys
summary = None
try:
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if rec.get("type") == "summary":
                summary = rec
except (OSError, ValueError):
    pass
if summary is None:
    print("untested (no VFIO container was used, or the program did not exit normally)")
else:
    feats = ", ".join(summary.get("features", {})) or "none"
    print(f"{summary['verdict']} (features: {feats})")
PY
)
	echo "$name-trial: exit $rc; verdict: $verdict; report: $log" >&2
	return "$rc"
}
