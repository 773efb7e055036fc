#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The shim's integration cases, run as real processes. On the host they run
# inside a private mount namespace whose /dev holds stand-in nodes (ns-run);
# in the VM lab (VFC_REAL=1) against the real /dev/vfio/vfio and /dev/iommu.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"

B=${B:?B must name the build directory}
SHIM=$B/libvfiocompat.so
PROBE=$B/helpers/fdprobe
Q=$B/helpers/report-query
REAL=${VFC_REAL:-0}
T=$(mktemp -d "${TMPDIR:-/tmp}/vfc-int.XXXXXX")
trap 'rm -rf "$T"' EXIT
SAN_ENV=()
[ "${VFC_SANITIZE:-0}" = 1 ] && SAN_ENV=(ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0)
# VFC_WRAP: a command the shimmed probe runs under (memcheck.sh: valgrind).
WRAP=()
[ -n "${VFC_WRAP:-}" ] && read -ra WRAP <<<"$VFC_WRAP"
# VFC_EXEC_WRAP: a runner for the built programs (check-arm64: qemu-aarch64).
X=${VFC_EXEC_WRAP:-}

# shim [ENV=V...] -- ARGS: run fdprobe under the shim; stdout in $T/out, stderr in $T/err.
shim() {
	local envs=()
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	env "${SAN_ENV[@]}" LD_PRELOAD="$SHIM" "${envs[@]}" "${WRAP[@]}" $X "$PROBE" "$@" >"$T/out" 2>"$T/err"
}
plain() { $X "$PROBE" "$@" >"$T/plain" 2>&1; }
field() { # field STEP KEY: value of KEY= on the line of STEP in $T/out
	awk -v s="$1" -v k="$2" '$1 == s { for (i = 2; i <= NF; i++) { split($i, a, "="); if (a[1] == k) { print substr($i, length(k) + 2); exit } } }' "$T/out"
}
q() { $X "$Q" "$@"; }
# What fdprobe shows for a container left on type1: the host's stand-in
# 10:196 has no driver behind it (ENODEV), the lab's is the real one.
TYPE1_PATH=-
[ "$REAL" = 1 ] && TYPE1_PATH=/dev/vfio/vfio

mkdir -p "$T/links"
ln -s /dev/vfio/vfio "$T/links/vfio-link"
ln -s /dev/iommu "$T/links/vfio-is-iommufd"
: >"$T/vfio-regular.txt"

# 1. Every spelling of the container is caught.
for sp in /dev/vfio/vfio /dev/vfio/../vfio/vfio //dev/vfio/vfio /dev/vfio/./vfio "$T/links/vfio-link"; do
	shim -- open "$sp"
	check "open('$sp') returns /dev/iommu" is "$(field open path)" /dev/iommu
done
# 2. Every libc entry point.
for st in open64 open_2 open64_2; do
	shim -- "$st" /dev/vfio/vfio
	check "$st() redirected" is "$(field "$st" path)" /dev/iommu
done
for st in openat openat64 openat_2 openat64_2; do
	shim -- "$st" /dev/vfio vfio
	check "$st(dirfd of /dev/vfio, \"vfio\") redirected" is "$(field "$st" path)" /dev/iommu
done
# 3. Flags are kept.
shim -- open-cloexec /dev/vfio/vfio
check "O_CLOEXEC kept on the redirected fd" is "$(field open-cloexec cloexec)" 1
shim -- open /dev/vfio/vfio
check "no O_CLOEXEC added" is "$(field open cloexec)" 0
shim -- openat64 /dev/vfio vfio
check "openat64 with O_CLOEXEC kept" is "$(field openat64 cloexec)" 1
# 4. Foreign paths are untouched.
shim -- open /dev/null open "$T/vfio-regular.txt"
check "/dev/null not redirected" is "$(awk '$1=="open"{print; exit}' "$T/out" | grep -o 'path=[^ ]*')" "path=/dev/null"
check "regular file named vfio not redirected" is "$(awk '$1=="open"{l=$0} END{print l}' "$T/out" | grep -o 'path=[^ ]*')" "path=$T/vfio-regular.txt"
check "no report for a process without VFIO" hasnt "$T/err" "vfiocompat:"

# 5. Descriptor bookkeeping, read back from the report's counters.
L="$T/r.jsonl"
rm -f "$L"
shim VFIOCOMPAT_LOG="$L" -- open /dev/vfio/vfio dup ioctl api dup2 50 ioctl api dupfd 60 ioctl api close ioctl api
check "dup/dup2/F_DUPFD copies counted, closed fd not" is "$(q "$L" summary ioctls.GET_API_VERSION.calls)" 3
check "dup2 result is the redirected node" is "$(field dup2 path)" /dev/iommu
check "F_DUPFD_CLOEXEC sets close-on-exec" is "$(field dupfd cloexec)" 1
rm -f "$L"
shim VFIOCOMPAT_LOG="$L" -- open /dev/vfio/vfio close open /dev/null ioctl api
check "a reused fd number is not ours" is "$(q "$L" summary ioctls.GET_API_VERSION)" MISSING
rm -f "$L"
shim VFIOCOMPAT_LOG="$L" -- open /dev/vfio/vfio close_range open /dev/null ioctl api
check "close_range drops the entry" is "$(q "$L" summary ioctls.GET_API_VERSION)" MISSING
rm -f "$L"
shim VFIOCOMPAT_LOG="$L" -- open /dev/vfio/vfio fork ioctl api
check "fork: the child's ioctls are not in the parent's report" is "$(q "$L" summary ioctls.GET_API_VERSION.calls)" 1

# 5b. vfiocompat.ko's node, when present, is the default target; VFIOCOMPAT_TARGET still wins.
if [ "$REAL" = 1 ]; then
	tap_skip "module node preferred when present" "needs the stand-in /dev of ns-run; the VM plan 'module' covers the real node"
elif [ -e /dev/vfio/iommufd-compat ]; then
	tap_skip "module node preferred when present" "/dev/vfio/iommufd-compat already exists here"
else
	mknod -m 666 /dev/vfio/iommufd-compat c 1 3
	shim VFIOCOMPAT_LOG="$T/m.jsonl" -- open /dev/vfio/vfio
	check "module node present: the container opens it" is "$(field open path)" /dev/vfio/iommufd-compat
	check "module node present: the report names it as target" is "$(q "$T/m.jsonl" open target)" /dev/vfio/iommufd-compat
	shim VFIOCOMPAT_TARGET=/dev/iommu -- open /dev/vfio/vfio
	check "VFIOCOMPAT_TARGET wins over the module node" is "$(field open path)" /dev/iommu
	rm -f /dev/vfio/iommufd-compat
	shim -- open /dev/vfio/vfio
	check "module node gone: back to /dev/iommu" is "$(field open path)" /dev/iommu
fi
# 6. Report contents.
rm -f "$T"/p-*.jsonl
shim VFIOCOMPAT_LOG="$T/p-%p-%e.jsonl" -- open /dev/vfio/vfio ioctl ext 10 ioctl set 1 ioctl dirty
P=$(ls "$T"/p-*-fdprobe.jsonl 2>/dev/null | head -n1)
check "%p and %e expand in VFIOCOMPAT_LOG" test -n "$P"
P=${P:-/nonexistent}
check "start record: schema 1, mode redirect" is "$(q "$P" start schema)/$(q "$P" start mode)" 1/redirect
check "open record: redirected to /dev/iommu" is "$(q "$P" open action)/$(q "$P" open target)" redirected//dev/iommu
check "feature update_vaddr_extension recorded" is "$(q "$P" feature ioctl feature=update_vaddr_extension)" CHECK_EXTENSION
check "feature type1_v1 recorded from SET_IOMMU(1)" is "$(q "$P" feature value feature=type1_v1)" 1
check "feature dirty_pages recorded with the kernel's errno" is "$(q "$P" feature errno feature=dirty_pages)" ENOTTY
# dirty_pages is a blocker: not-ready, also on ns-run's stand-in node where every
# ioctl fails (the blocker explains the failures; audit mode predicts the same).
check "summary verdict not-ready (dirty pages, a blocker, even with every ioctl failed)" is "$(q "$P" summary verdict)" not-ready
check "nothing on stdout from the shim" hasnt "$T/out" vfiocompat
check "no stderr line when a log is set" hasnt "$T/err" "vfiocompat:"
shim -- open /dev/vfio/vfio ioctl set 1
check "default: one summary line on stderr" is "$(grep -c '^vfiocompat: fdprobe\[' "$T/err")" 1
check "summary line names the feature" has "$T/err" "features: type1_v1"

# 7. Hostile environment values: one line each, defaults kept.
shim VFIOCOMPAT_MODE=bogus -- open /dev/vfio/vfio
check "bad VFIOCOMPAT_MODE: one clear line" has "$T/err" 'ignoring VFIOCOMPAT_MODE="bogus": use redirect, audit or off; using audit'
check "bad VFIOCOMPAT_MODE: audit used (observe only), the container stays type1" is "$(field open path)" "$TYPE1_PATH"
shim VFIOCOMPAT_TARGET=relative/path -- open /dev/vfio/vfio
check "relative VFIOCOMPAT_TARGET refused" has "$T/err" "ignoring VFIOCOMPAT_TARGET"
shim "VFIOCOMPAT_LOG=$(printf '/tmp/a\nb')" -- open /dev/vfio/vfio
check "control bytes in VFIOCOMPAT_LOG refused, escaped" has "$T/err" 'VFIOCOMPAT_LOG="/tmp/a\\u000ab"'
shim VFIOCOMPAT_LOG="/$(head -c 5000 /dev/zero | tr '\0' a)" -- open /dev/vfio/vfio
check "overlong VFIOCOMPAT_LOG refused on one line" is "$(grep -c 'ignoring VFIOCOMPAT_LOG' "$T/err")" 1
shim VFIOCOMPAT_LOG=/nonexistent-dir/r.jsonl -- open /dev/vfio/vfio
check "unwritable log: one warning, process unharmed" is "$(grep -c 'cannot write the report' "$T/err")/$(field open path)" 1//dev/iommu
: >"$T/victim"; ln -sf "$T/victim" "$T/planted.jsonl"
shim VFIOCOMPAT_LOG="$T/planted.jsonl" -- open /dev/vfio/vfio ioctl set 1
check "a symlink planted at the log path is not followed" test ! -s "$T/victim"
check "... the report says it cannot write there, once" is "$(grep -c 'cannot write the report' "$T/err")" 1
rm -f "$L"
shim VFIOCOMPAT_LOG="$L" -- open /dev/vfio/vfio ioctl set 1
check "the log is created mode 0600" is "$(stat -c %a "$L")" 600

# 8. Modes and fallback: behaviour equal to a plain run where no redirect is asked.
plain open /dev/vfio/vfio
want=$(awk '$1=="open"{print $2, $3}' "$T/plain")
shim VFIOCOMPAT_MODE=off -- open /dev/vfio/vfio
check "mode off: same result as without the shim" is "$(awk '$1=="open"{print $2, $3}' "$T/out")" "$want"
rm -f "$L"
shim VFIOCOMPAT_MODE=audit VFIOCOMPAT_LOG="$L" -- open /dev/vfio/vfio ioctl set 1
check "mode audit: same open result as without the shim" is "$(awk '$1=="open"{print $2, $3}' "$T/out")" "$want"
if [ "$(awk '$1=="open"{print $2}' "$T/plain")" = "ret=-1" ]; then
	check "mode audit: failed type1 open leaves no report" test ! -s "$L"
else
	check "mode audit: start record says audit" is "$(q "$L" start mode)" audit
	check "mode audit: prediction recorded for type1_v1" has "$L" '"iommufd_predicted"'
fi
shim VFIOCOMPAT_TARGET=/nonexistent-iommu -- open /dev/vfio/vfio open /dev/vfio/vfio
check "fallback passthrough: same result as plain" is "$(awk '$1=="open"{print $2, $3; exit}' "$T/out")" "$want"
check "fallback passthrough: warned once with the reason" is "$(grep -c 'cannot open /nonexistent-iommu (ENOENT)' "$T/err")" 1
shim VFIOCOMPAT_TARGET=/nonexistent-iommu VFIOCOMPAT_FALLBACK=fail -- open /dev/vfio/vfio
check "fallback fail: the target's errno (ENOENT)" is "$(field open ret)/$(field open errno)" -1/2
rm -f "$L"
shim VFIOCOMPAT_LOG="$L" -- open "$T/links/vfio-is-iommufd"
check "a path that already is iommufd is not redirected twice" is "$(q "$L" open action)/$(field open path)" already-iommufd//dev/iommu

# 9. errno and bad pointers.
plain errno-kept
shim -- errno-kept
check "foreign ioctl errno preserved" is "$(grep errno-kept "$T/out")" "$(grep errno-kept "$T/plain")"
shim -- open /dev/vfio/vfio ioctl-badptr map ioctl-badptr unmap ioctl-badptr info
check "bad argument pointers: no crash, kernel's answer returned" is "$(grep -c '^ioctl-badptr ret=-1' "$T/out")" 3

# 10. Exports: only the interposed symbols.
vfork=
# vfork.S: x86-64 only (the shim's architecture, not the host's: check-arm64)
readelf -h "$SHIM" | grep -q 'Machine:.*X86-64' && vfork="vfork "
exports=$(nm -D --defined-only "$SHIM" | awk '$2 ~ /[TWi]/ {print $3}' | sed 's/@.*//' | sort | tr '\n' ' ')
check "only interposed symbols exported" is "$exports" "__open64_2 __open_2 __openat64_2 __openat_2 close close_range dup dup2 dup3 fcntl fcntl64 ioctl mmap mmap64 munmap open open64 openat openat64 $vfork"
# Each interposed function has glibc's own prototype: on x86-64 off_t and
# off64_t are one type, so the preload face is also compiled for i386, where
# they differ and a wrong one (mmap64 with off_t, issue 18) is a type conflict.
top=$(cd "$here/../.." && pwd)
# The x86 uapi asm/ headers serve both widths (gcc-multilib, which would
# add an i386 asm/ link, conflicts with the arm64 cross compiler).
m32=$(cd "$top" && ${CC:-cc} -m32 -idirafter /usr/include/x86_64-linux-gnu -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Iinclude -Icommon \
	-Ishim/interpose -Ishim/core -Ishim/open -Ishim/ioctl -Ishim/getinfo -Ishim/report \
	-fsyntax-only shim/interpose/preload.c 2>&1)
CHECK_DIAG=$m32
check "interposed prototypes are glibc's where off_t is not off64_t (i386 compile of shim/interpose/preload.c)" test -z "$m32"
unset CHECK_DIAG

tap_end
