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
	local pidfile; pidfile=$(mktemp "${TMPDIR:-/tmp}/vfc-trial-pid.XXXXXX") || return 2
	# The shell that records its pid execs the command: that pid is the
	# command's, for the exit record appended to the report below.
	# shellcheck disable=SC2016
	LD_PRELOAD=$shim VFIOCOMPAT_LOG=$log sh -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@"
	local rc=$?
	local pid; pid=$(cat "$pidfile" 2>/dev/null); rm -f "$pidfile"
	local verdict
	# The program's exit status is part of the verdict: a failed or killed
	# program is never ready.
	verdict=$(python3 - "$log" "$rc" "$pid" "$(basename "$1")" <<'PY'
import json, os, signal, stat, sys
path, rc, pid, prog = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def signame(rc):  # the shell's 128+N for a command killed by signal N
    try:
        return signal.Signals(rc - 128).name if 128 < rc < 128 + signal.NSIG else None
    except ValueError:
        return f"SIG{rc - 128}"
# The exit record, as `vfiocompat run` writes it (docs/report-schema.md), so
# that `vfiocompat report` on this log knows how the command ended; never
# into a file not ours.
if pid.isdigit():
    rec = {"type": "exit", "source": "trial-lib", "pid": int(pid),
           "program": "".join(c if " " < c < "\x7f" and c not in '"\\' else "?" for c in prog)}
    if signame(rc):
        rec["signal"] = signame(rc)
    else:
        rec["status"] = rc
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC)
        st = os.fstat(fd)
        if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid():
            os.write(fd, (json.dumps(rec, separators=(",", ":")) + "\n").encode())
        os.close(fd)
    except OSError:
        pass
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
if rc != 0:
    if signame(rc):
        failed = f"killed by {signame(rc)}"
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
