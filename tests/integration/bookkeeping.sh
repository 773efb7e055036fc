#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The shim's fd and report bookkeeping against what real programs do behind
# its back (issue 18's defects). Each oracle is what the kernel says the
# process holds, or a plain run's facts, never the shim's own view alone.
# Host: inside ns-run's private /dev (plus a group stand-in made here); the
# lab: VFC_REAL=1 against the real nodes.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"

B=${B:?B must name the build directory}
SHIM=$B/libvfiocompat.so
BK=$B/helpers/bookkeep
Q=$here/report-query
REAL=${VFC_REAL:-0}
T=$(mktemp -d "${TMPDIR:-/tmp}/vfc-bk.XXXXXX")
trap 'rm -rf "$T"' EXIT
SAN_ENV=()
[ "${VFC_SANITIZE:-0}" = 1 ] && SAN_ENV=(ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0)

# run [ENV=V...] -- STEPS: bookkeep under the shim, log in $L; stdout $T/out, stderr $T/err.
L=$T/r.jsonl
run() {
	local envs=()
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	rm -f "$L"
	env "${SAN_ENV[@]}" LD_PRELOAD="$SHIM" VFIOCOMPAT_LOG="$L" "${envs[@]}" "$BK" "$@" >"$T/out" 2>"$T/err"
}
is() { [ "$1" = "$2" ] || { CHECK_DIAG="got '$1', want '$2'"; return 1; }; }
q() { "$Q" "$@"; }
api_calls() { q "$L" summary ioctls.GET_API_VERSION.calls; }

# A group node: the lab's first VFIO group; on the host a stand-in char node
# off the misc major that is not the target (ns-run's /dev is private tmpfs).
if [ "$REAL" = 1 ]; then
	G=$(cd /dev/vfio && ls | grep -E '^[0-9]+$' | head -1)
else
	G=8
	[ -e /dev/vfio/$G ] || mknod -m 666 /dev/vfio/$G c 1 5
fi

# 7. Group fds opened by a relative path are tracked.
run -- chdir /dev/vfio open "$G"
check "chdir /dev/vfio; open(\"$G\"): the group is tracked" is "$(q "$L" summary groups)" 1
run -- openat /dev/vfio "$G"
check "openat(dirfd of /dev/vfio, \"$G\"): the group is tracked" is "$(q "$L" summary groups)" 1
check "... recorded as a group open" is "$(q "$L" open node path="$G")" group

tap_end
