#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Issue 26's lost records: programs that share the shim's memory but not its
# fd table, or close behind its back, must neither drop a live entry nor keep
# counting a number that now holds another file. Run by ns-run (private /dev).
# Each oracle is the summary's count of the ioctls the program made on what
# the kernel says the fd holds.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"

B=${B:?B must name the build directory}
# VFC_EXEC_WRAP: a runner for the built programs (check-arm64: qemu-aarch64).
X=${VFC_EXEC_WRAP:-}
SHIM=$B/libvfiocompat.so
BK=$B/helpers/bookkeep
Q=$B/helpers/report-query
T=$(mktemp -d "${TMPDIR:-/tmp}/vfc-afd.XXXXXX")
trap 'rm -rf "$T"' EXIT
SAN_ENV=()
[ "${VFC_SANITIZE:-0}" = 1 ] && SAN_ENV=(ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0)

L=$T/r.jsonl
run() { # run [ENV=V...] -- STEPS
	local envs=()
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	rm -f "$L"
	env "${SAN_ENV[@]}" LD_PRELOAD="$SHIM" VFIOCOMPAT_LOG="$L" "${envs[@]}" $X "$BK" "$@" >"$T/out" 2>"$T/err"
}
q() { $X "$Q" "$L" "$@"; }
api_calls() { q summary ioctls.GET_API_VERSION.calls; }
other_calls() { q summary ioctls.OTHER.calls; }
step_ok() { grep -q "^$1 ret=0 " "$T/out"; }

# 1. A clone(CLONE_VM|CLONE_VFORK) child (posix_spawn's way, not vfork()) has
# its own fd table: its close and dup2 must leave the parent's entries alone.
run -- open /dev/vfio/vfio clonevm-close 3 api 3
check "clone(CLONE_VM|CLONE_VFORK) child's close(container): the parent's stays tracked" \
	is "$(api_calls)" 1
run -- open /dev/vfio/vfio open /dev/null clonevm-dup2 4 3 api 3
check "clone(CLONE_VM|CLONE_VFORK) child's dup2(/dev/null, container): the parent's stays tracked" \
	is "$(api_calls)" 1
run -- open /dev/vfio/vfio clonevm-dup2 3 0 fioclex 0 api 3
check "clone(CLONE_VM|CLONE_VFORK) child's dup2(container, 0): the parent's fd 0 is not a container" \
	is "$(api_calls)/$(other_calls)" 1/MISSING
# Kept: a vfork() child's close, and a real close in the process itself.
run -- open /dev/vfio/vfio vfork-close 3 api 3
check "vfork child's close(container): still harmless" is "$(api_calls)" 1
run -- open /dev/vfio/vfio close 3 open /dev/null api 3
check "the process's own close(container), number reused: not a container any more" \
	is "$(api_calls)" MISSING

# 2. close_range(CLOSE_RANGE_UNSHARE) in a thread closes only in that
# thread's private copy of the fd table: main's container stays open.
run -- open /dev/vfio/vfio thread-unshare-close 3 api 3
check "close_range(3, ~0, UNSHARE) in a thread: the thread call succeeded" step_ok thread-unshare-close
check "... and main's container stays tracked" is "$(api_calls)" 1
# Without UNSHARE the table is shared: main's container is gone.
run -- open /dev/vfio/vfio closefrom 3 open /dev/null api 3
check "closefrom(3) in main, number reused by /dev/null: not a container" is "$(api_calls)" MISSING

# 3. A close the shim never saw (closefrom: glibc's internal close_range),
# the number reused, and an ioctl that SUCCEEDS on the new file: not a
# container ioctl. FIOCLEX is answered by every open file.
for how in closefrom fclose sysclose; do
	run -- open /dev/vfio/vfio api 3 "$how" 3 open /dev/null fioclex 3
	check "$how(container), number reused by /dev/null, a successful ioctl on it: not counted" \
		is "$(step_ok fioclex && echo ok)/$(api_calls)/$(other_calls)" ok/1/MISSING
done
# Kept: on the container itself the same request is a container ioctl.
run -- open /dev/vfio/vfio fioclex 3
check "FIOCLEX on the live container: counted as a container ioctl" is "$(other_calls)" 1
# Kept: copies made by dup3 and F_DUPFD_CLOEXEC are tracked, and stay so.
run -- open /dev/vfio/vfio dup3 3 9 api 9
check "dup3(container, 9): the copy's ioctls are container ioctls" is "$(api_calls)" 1
run -- open /dev/vfio/vfio dupfd-cloexec 3 20 api 20
check "fcntl(container, F_DUPFD_CLOEXEC, 20): the copy's ioctls are container ioctls" \
	is "$(api_calls)" 1

tap_end
