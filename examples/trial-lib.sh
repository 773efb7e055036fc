# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
# Shared by the *-trial.sh examples: run a command under libvfiocompat.so with
# a JSON Lines report, then print the verdict (never ready when the command
# failed: its exit status counts) and where the report is.
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
	# The program's exit status is part of the verdict: a failed or killed
	# program is never ready. VFC_TRIAL_OK_RC lists other statuses that are a
	# normal end (dpdk-trial.sh: 124, timeout stopping testpmd).
	verdict=$(python3 - "$log" "$rc" "${VFC_TRIAL_OK_RC:-}" <<'PY'
import json, signal, sys
path, rc, ok = sys.argv[1], int(sys.argv[2]), sys.argv[3].split()
started, summaries = set(), {}
try:
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if rec.get("type") == "start":
                started.add(rec.get("pid"))
            elif rec.get("type") == "summary":
                summaries[rec.get("pid")] = rec
except OSError:
    pass
failed = ""
if rc != 0 and str(rc) not in ok:
    if rc > 128 and rc - 128 < signal.NSIG:
        failed = f"killed by {signal.Signals(rc - 128).name}"
    else:
        failed = f"exited with status {rc}"
summaries = list(summaries.values()) + [None] * len(started - summaries.keys())
incomplete = None in summaries
summaries = [s for s in summaries if s]
feats = ", ".join(dict.fromkeys(k for s in summaries for k in s.get("features", {}))) or "none"
order = ["ready", "ready-with-differences", "untested", "incomplete", "not-ready", "failed"]
worst = max((s.get("verdict", "untested") for s in summaries if s.get("verdict") in order),
            key=order.index, default=None)
if failed:
    print(f"failed ({failed}; features: {feats})")
elif incomplete:
    print(f"incomplete (a process left no summary: crashed or killed; features: {feats})")
elif worst is None:
    print("untested (no VFIO container was used)")
else:
    print(f"{worst} (features: {feats})")
PY
)
	echo "$name-trial: exit $rc; verdict: $verdict; report: $log" >&2
	return "$rc"
}
