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
Q=$B/helpers/report-query
# VFC_EXEC_WRAP: a runner for the built programs (check-arm64: qemu-aarch64).
X=${VFC_EXEC_WRAP:-}
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
	env "${SAN_ENV[@]}" LD_PRELOAD="$SHIM" VFIOCOMPAT_LOG="$L" "${envs[@]}" $X "$BK" "$@" >"$T/out" 2>"$T/err"
}
q() { $X "$Q" "$@"; }
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

# 1. A vfork child's close and dup2 leave the parent's table alone.
run -- open /dev/vfio/vfio vfork-close 3 api 3
check "vfork child's close(container): the parent's container stays tracked" is "$(api_calls)" 1
run -- open /dev/vfio/vfio vfork-dup2 3 0 api 0 api 3
check "vfork child's dup2(container, 0): the parent's fd 0 is not a container" is "$(api_calls)" 1

# 2. Closes the shim never sees: the reused number is not a container.
for how in closefrom fclose sysclose; do
	run -- open /dev/vfio/vfio "$how" 3 open /dev/null api 3
	check "$how(container), fd reused by /dev/null: its ioctls are not container ioctls" \
		is "$(api_calls)" MISSING
done
run -- open /dev/vfio/vfio open /dev/null dup2 4 3 api 3
check "dup2 onto a tracked container: the copy is not a container" is "$(api_calls)" MISSING

# 2b. (the lab) A group fd closed without UNSET_CONTAINER detaches it: 70 attach
# and close cycles on one container must not leave 64 stale attach slots for
# the fix-up to count; the early GET_INFO then counts the one group attached.
if [ "$REAL" = 1 ]; then
	steps=(open /dev/vfio/vfio)
	for i in $(seq 70); do steps+=(open "/dev/vfio/$G" attach 4 3 close 4); done
	steps+=(open "/dev/vfio/$G" attach 4 3 type1v2 3 info 3)
	run -- "${steps[@]}"
	check "70 attach+close cycles, then attach and GET_INFO: every attach succeeded" \
		is "$(grep -c '^attach ret=0' "$T/out")" 71
	check "... the fix-up counts the one group attached, not stale slots" \
		is "$(q "$L" get_info_before_device groups)" 1
fi

# 3. fd 2 replaced by a data file: the summary is not written into it.
: >"$T/data"
env "${SAN_ENV[@]}" LD_PRELOAD="$SHIM" $X "$BK" stderr-close open "$T/data" open /dev/vfio/vfio api 4 \
	>"$T/out" 2>"$T/err"
check "data file took fd 2" is "$(awk '$1=="open"{print $2; exit}' "$T/out")" ret=2
check "nothing of the shim's in the data file at fd 2" is "$(wc -c <"$T/data")" 0

# 4. A privilege drop after setup loses no record: one fd, opened once.
chmod 0700 "$T"
run -- open /dev/vfio/vfio setuid 65534 api 3 api 3
check "after setuid(nobody): the summary is written" is "$(api_calls)" 2
chmod 0755 "$T"

# 5. A report path pre-created by another user is refused, never appended to.
mkdir -m 1777 "$T/shared"
forged='{"type":"summary","verdict":"ready"}'
setpriv --reuid=65534 --regid=65534 --clear-groups sh -c "echo '$forged' >'$T/shared/r.jsonl'"
env "${SAN_ENV[@]}" LD_PRELOAD="$SHIM" VFIOCOMPAT_LOG="$T/shared/r.jsonl" $X "$BK" open /dev/vfio/vfio api 3 \
	>"$T/out" 2>"$T/err"
check "another user's report file is left as it was" is "$(cat "$T/shared/r.jsonl")" "$forged"
check "... and refused with one line naming the owner" is \
	"$(grep -c "report file $T/shared/r.jsonl is owned by uid 65534" "$T/err")" 1
: >"$T/data"
: >"$T/data"
ln -s "$T/data" "$T/shared/sym.jsonl"
env "${SAN_ENV[@]}" LD_PRELOAD="$SHIM" VFIOCOMPAT_LOG="$T/shared/sym.jsonl" $X "$BK" open /dev/vfio/vfio api 3 \
	>"$T/out" 2>"$T/err"
check "a symlink as report path is not followed" is "$(wc -c <"$T/data")" 0
rm -f "$T/own.jsonl"
run -- open /dev/vfio/vfio api 3
check "a new report file is the caller's, mode 0600" is "$(stat -c %u/%a "$L")" "$(id -u)/600"

# 12. Fds inherited across exec are tracked: the scan of /proc/self/fd at start.
run -- open /dev/vfio/vfio keep 3 exec api 3
check "redirected container inherited across exec: its ioctls are container ioctls" is "$(api_calls)" 1
check "... recorded as inherited" is "$(q "$L" open action fd=3 node=iommufd)" inherited
run VFIOCOMPAT_MODE=off -- open "/dev/vfio/$G" keep 3 setenv VFIOCOMPAT_MODE redirect exec
check "group fd inherited across exec: tracked" is "$(q "$L" summary groups)" 1
if [ "$REAL" = 1 ]; then
	run VFIOCOMPAT_MODE=off -- open /dev/vfio/vfio keep 3 setenv VFIOCOMPAT_MODE redirect exec api 3
	check "type1 container inherited across exec: tracked as type1" is \
		"$(api_calls)/$(q "$L" open node fd=3 action=inherited)" 1/container
	# An inherited container stays a container when VFIOCOMPAT_TARGET names the
	# container itself (issue 26): never taken for an already-iommufd node (the
	# host's stand-in 10:196 node cannot be opened: the lab runs this).
	run VFIOCOMPAT_MODE=off -- open /dev/vfio/vfio keep 3 setenv VFIOCOMPAT_MODE redirect \
		setenv VFIOCOMPAT_TARGET /dev/vfio/vfio exec
	check "inherited container, VFIOCOMPAT_TARGET=/dev/vfio/vfio: recorded as the container" is \
		"$(q "$L" open node fd=3 action=inherited)/$(q "$L" summary already_iommufd)" container/0
fi

# 9. Every shim path a signal handler takes fits an 8 KiB sigaltstack (guard page below).
gp=
[ "$REAL" = 1 ] && gp=/dev/vfio/$G # the lab: attach, then the early GET_INFO the fix-up answers
# Sanitizer builds run the shim on the caller's stack with larger frames: 64 KiB there.
kib=8
[ "${VFC_SANITIZE:-0}" = 1 ] && kib=64
rm -f "$L"
env "${SAN_ENV[@]}" SIGSTACK_KIB=$kib LD_PRELOAD="$SHIM" VFIOCOMPAT_LOG="$L" $X "$B/helpers/sigstack" $gp \
	>"$T/out" 2>"$T/err"
rc=$?
check "container open and ioctls, with records, from a handler on a $kib KiB sigaltstack (rc $rc)" \
	grep -q "^handler done on a $kib KiB sigaltstack: open=1" "$T/out"
check "... and the handler's ioctls are all in the summary" is \
	"$(q "$L" summary ioctls.GET_API_VERSION.calls)/$(q "$L" summary ioctls.IOMMU_UNMAP_DMA.calls)" 1/1
if [ "$REAL" = 1 ]; then
	check "... the group attached, and the early GET_INFO went through the fix-up" is \
		"$(grep -o 'attach=[0-9]' "$T/out")/$(q "$L" get_info_before_device action)" attach=1/fixed
fi

# 6 and 8. A DT_NEEDED library's constructor, which runs before the shim's,
# opens the container (dma_entry_limit must still be known) after racing
# four threads through the shim's first calls (dup, F_DUPFD, a container
# open): no ENOSYS, every open redirected. 20 runs; each race is one shot.
limit=$(cat /sys/module/vfio_iommu_type1/parameters/dma_entry_limit 2>/dev/null || echo 65535)
enosys=0 unredirected=0 limits=
for i in $(seq 20); do
	rm -f "$L"
	env "${SAN_ENV[@]}" LD_PRELOAD="$SHIM" VFIOCOMPAT_LOG="$L" $X "$B/helpers/ctorclient" >"$T/out" 2>"$T/err"
	enosys=$((enosys + $(sed -n 's/.*enosys=\([0-9]*\).*/\1/p' "$T/out")))
	unredirected=$((unredirected + $(sed -n 's/.*unredirected=\([0-9]*\).*/\1/p' "$T/out")))
	limits="$limits $(q "$L" summary dma_entry_limit)"
done
check "container opened in a DT_NEEDED constructor: dma_entry_limit is type1's ($limit), 20 runs" \
	is "$(tr ' ' '\n' <<<"$limits" | sort -u | tr -d '\n')" "$limit"
check "threads racing the shim's initialisation: no spurious ENOSYS (20 runs)" is "$enosys" 0
check "... and every container open among them redirected" is "$unredirected" 0

tap_end
