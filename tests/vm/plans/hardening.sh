#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Hardening on the real nodes (docs/hardening.md): iommufd's fault injection
# during MAP_DMA through the shim, a seccomp-sandboxed client with a real group,
# and fds past the shim's table.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
Q=$here/../../integration/report-query
SHIM=$B/libvfiocompat.so
T=$(mktemp -d)
is() { [ "$1" = "$2" ] || { CHECK_DIAG="got '$1', want '$2'"; return 1; }; }

# 1. fail-nth: each failure point of a MAP_DMA, natively on /dev/iommu and under the shim.
"$B/helpers/failnth" /dev/iommu "$VFC_EDU" >"$T/native" 2>&1
VFIOCOMPAT_LOG=$T/f.jsonl LD_PRELOAD=$SHIM "$B/helpers/failnth" /dev/vfio/vfio "$VFC_EDU" >"$T/shim" 2>"$T/shim.err"
inj=$(grep -c 'injected=1' "$T/native")
echo "# native: $inj failure points; errnos: $(grep -o 'errno=[0-9]*' "$T/native" | sort | uniq -c | tr '\n' ' ')"
if [ "$inj" -eq 0 ]; then
	# fail-nth counts should_fail() sites; without CONFIG_FAILSLAB (not in the lab
	# kernel) a compat MAP_DMA met none, so nothing could be injected.
	tap_skip "fail-nth during MAP_DMA: errno unchanged through the shim" \
		"no failure point met (the lab kernel has no FAILSLAB)"
else
	CHECK_DIAG=$(diff "$T/native" "$T/shim" | head -20)
	check "under the shim every injected failure reaches the caller with the same errno" cmp -s "$T/native" "$T/shim"
	check "the report counts the failed maps" test "$("$Q" "$T/f.jsonl" summary ioctls.IOMMU_MAP_DMA.errors)" = "$inj"
fi
check "nothing stays pinned after the maps (VmPin 0)" grep -q '^VmPin:[[:space:]]*0 kB' "$T/shim"

# 2. A seccomp-sandboxed client with a real group: strace of the plain (type1) run
#    gives its syscalls; the shim adds newfstatat only, with the fix-ups off.
group=$(readlink "/sys/bus/pci/devices/$VFC_EDU/iommu_group")
export VFC_GROUP=/dev/vfio/${group##*/}
ALL="openat close ioctl read write mmap munmap brk newfstatat fstat exit_group rt_sigreturn futex
getpid process_vm_readv fcntl lseek mprotect getrandom readlink readlinkat getdents64"
after() { awk '/^[0-9]+ +seccomp\(/ {on=1; next} on' "$1" | sed -E 's/^[0-9]+ +//' |
	grep -oE '^[a-z_0-9]+\(' | tr -d '(' | sort -u | tr '\n' ' ' | sed 's/ $//'; }
minus() { comm -23 <(tr ' ' '\n' <<<"$1" | sort -u) <(tr ' ' '\n' <<<"$2" | sort -u) | tr '\n' ' ' | sed 's/ $//'; }
# shellcheck disable=SC2086
strace -f -qq -o "$T/p.st" "$B/helpers/seccomp-client" $ALL >"$T/p.out" 2>&1
P=$(after "$T/p.st")
CHECK_DIAG=$(cat "$T/p.out")
check "plain type1 client maps sandboxed ($P)" grep -q '^map ret=0' "$T/p.out"
# shellcheck disable=SC2086
strace -f -qq -o "$T/s.st" env LD_PRELOAD="$SHIM" VFIOCOMPAT_FIXUPS=none "$B/helpers/seccomp-client" $ALL >"$T/s.out" 2>"$T/s.err"
CHECK_DIAG=$(cat "$T/s.out")
check "shim (fix-ups off): redirected client maps" grep -q '^map ret=0' "$T/s.out"
check "shim (fix-ups off): no syscall but newfstatat beyond the plain run's" is "$(minus "$(after "$T/s.st")" "$P")" newfstatat
# shellcheck disable=SC2086
strace -f -qq -o "$T/d.st" env LD_PRELOAD="$SHIM" "$B/helpers/seccomp-client" $ALL >"$T/d.out" 2>&1
echo "# default mode adds: $(minus "$(after "$T/d.st")" "$P") (the early GET_INFO fix-up: docs/hardening.md)"
# shellcheck disable=SC2086
env LD_PRELOAD="$SHIM" VFIOCOMPAT_FIXUPS=none "$B/helpers/seccomp-client" $P newfstatat >"$T/a.out" 2>"$T/a.err"
check "allow-list of the plain run plus newfstatat: runs unchanged under the shim" is "$(cat "$T/a.out")" "$(cat "$T/s.out")"
unset VFC_GROUP

# 3. fds past the table (>= 2^20, only with fs.nr_open raised) pass through untracked.
if sysctl -qw fs.nr_open=1100000 2>/dev/null && ulimit -n 1100000 2>/dev/null; then
	VFIOCOMPAT_LOG=$T/big.jsonl LD_PRELOAD=$SHIM "$B/helpers/fdprobe" open /dev/vfio/vfio \
		dup2 1048600 ioctl api >"$T/big" 2>&1
	CHECK_DIAG=$(cat "$T/big")
	check "a container dup2'd to fd 1048600 still answers (iommufd's compat ioctl)" grep -q '^ioctl ret=0 ' "$T/big"
	check "... but passes through untracked (no GET_API_VERSION counted)" \
		is "$("$Q" "$T/big.jsonl" summary ioctls.GET_API_VERSION)" MISSING
else
	tap_skip "fds >= 2^20" "cannot raise fs.nr_open/RLIMIT_NOFILE"
fi
tap_end
