#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Faults and hostile environments the shim meets on a real host, run by ns-run
# (root in a private mount namespace; nobody is used to be refused): what the
# program sees must be what the policy promises, and the report or stderr must
# say what happened. Complements cases.sh, which covers the common cases.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"

B=${B:?B must name the build directory}
# VFC_EXEC_WRAP: a runner for the built programs (check-arm64: qemu-aarch64).
X=${VFC_EXEC_WRAP:-}
SHIM=$B/libvfiocompat.so
PROBE=$B/helpers/fdprobe
Q=$B/helpers/report-query
T=$(mktemp -d "${TMPDIR:-/tmp}/vfc-faults.XXXXXX")
DIAG_STDERR=$T/err # is(): the program's stderr explains a failure
trap 'umount -q "$T"/ro "$T"/full 2>/dev/null; chmod 666 /dev/vfio/vfio; rm -rf "$T"' EXIT
chmod 755 "$T"
mkdir -m 777 "$T/pub" # writable by nobody
SAN=${VFC_SANITIZE:-0}
SAN_ENV=()
[ "$SAN" = 1 ] && SAN_ENV=(ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0)
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
# VFC_WRAP: a command shim()'s probe runs under (memcheck.sh: valgrind).
WRAP=()
[ -n "${VFC_WRAP:-}" ] && read -ra WRAP <<<"$VFC_WRAP"

shim() { # shim [ENV=V...] -- ARGS: fdprobe under the shim, stdout $T/out, stderr $T/err
	local envs=()
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	env "${SAN_ENV[@]}" LD_PRELOAD="$SHIM" "${envs[@]}" "${WRAP[@]}" $X "$PROBE" "$@" >"$T/out" 2>"$T/err"
}
field() { awk -v s="$1" -v k="$2" '$1 == s { for (i = 2; i <= NF; i++) { split($i, a, "="); if (a[1] == k) { print substr($i, length(k) + 2); exit } } }' "${3:-$T/out}"; }
q() { $X "$Q" "$@"; }
# What fdprobe shows for a container left on type1: the host's stand-in
# 10:196 has no driver behind it (ENODEV), the lab's is the real one.
TYPE1_PATH=-
[ "${VFC_REAL:-0}" = 1 ] && TYPE1_PATH=/dev/vfio/vfio
plain_open() { $X "$PROBE" "$@" 2>/dev/null | awk '$1=="open"{print $2, $3; exit}'; }

# The container's answer without the shim: ENODEV on this host (no vfio driver).
want=$(plain_open open /dev/vfio/vfio)

# 1. The target fails at the moment of redirect, each way.
mknod -m 600 "$T/iommu-0600" c 1 3
mknod -m 666 "$T/iommu-nodriver" c 240 0 # no driver on this major: ENXIO
for c in "EACCES $T/iommu-0600 13 nobody" "ENXIO $T/iommu-nodriver 6 root"; do
	set -- $c
	run=()
	[ "$4" = nobody ] && run=("${NOBODY[@]}")
	"${run[@]}" env "${SAN_ENV[@]}" LD_PRELOAD="$SHIM" VFIOCOMPAT_TARGET="$2" $X "$PROBE" open /dev/vfio/vfio >"$T/out" 2>"$T/err"
	check "$1 on the target, passthrough: the program sees the plain result" is "$(awk '$1=="open"{print $2, $3; exit}' "$T/out")" "$want"
	check "$1 on the target, passthrough: stderr names the target and $1" has "$T/err" "cannot open $2 ($1)"
	"${run[@]}" env "${SAN_ENV[@]}" LD_PRELOAD="$SHIM" VFIOCOMPAT_TARGET="$2" VFIOCOMPAT_FALLBACK=fail \
		VFIOCOMPAT_LOG="$T/pub/$1.jsonl" $X "$PROBE" open /dev/vfio/vfio >"$T/out" 2>"$T/err"
	check "$1 on the target, fail: the program gets $1" is "$(field open ret)/$(field open errno)" "-1/$3"
	check "$1 on the target, fail: the report says refused with $1" is \
		"$(q "$T/pub/$1.jsonl" open action)/$(q "$T/pub/$1.jsonl" open errno)" "refused/$1"
done
# EMFILE: no free fd when the program opens the container.
plain=$($X "$PROBE" rlimit 3 open /dev/vfio/vfio 2>/dev/null | awk '$1=="open"{print $2, $3}')
shim -- rlimit 3 open /dev/vfio/vfio
check "EMFILE, passthrough: the program sees the plain EMFILE" is "$(awk '$1=="open"{print $2, $3}' "$T/out")" "$plain"
check "EMFILE, passthrough: stderr names EMFILE" has "$T/err" "cannot open /dev/iommu (EMFILE)"
shim VFIOCOMPAT_FALLBACK=fail -- rlimit 3 open /dev/vfio/vfio
check "EMFILE, fail: -1/EMFILE" is "$(field open ret)/$(field open errno)" "-1/24"
shim -- rlimit 4 open /dev/vfio/vfio
check "one free fd is enough: redirected onto fd 3" is "$(field open fd)/$(field open path)" "3//dev/iommu"
# A stat of the path failing (transiently, as the VM's fail-nth shows; here
# statfail fails every path stat with ENOMEM): the open happens anyway and what
# it opened is tracked. This host's container cannot open (no type1 driver):
# the container's fallback is shown in the VM (hardening plan); here the group.
L=$T/statfail.jsonl
if [ -n "$X" ]; then
	tap_skip "path stat failing (statfail)" "qemu-user: refuses a seccomp filter (PR_SET_SECCOMP: EINVAL)"
else
	env "${SAN_ENV[@]}" LD_PRELOAD="$SHIM" VFIOCOMPAT_LOG="$L" "$B/helpers/statfail" "$PROBE" \
		open /dev/vfio/vfio open /dev/vfio/7 >"$T/out" 2>"$T/err"
	check "path stat failing: the container open gives the plain result" \
		is "$(awk '$1=="open"{print $2, $3; exit}' "$T/out")" "$want"
	# The group's fd follows the container's: 3 when the plain open fails
	# (this host), 4 when a real container opens (the arm64-host plan).
	gfd=3
	[[ $want =~ ^ret=[0-9]+\  ]] && gfd=4
	check "path stat failing: the group opens and is tracked" \
		is "$(awk '$1=="open" && $5=="path=/dev/vfio/7"{print $2}' "$T/out")/$(q "$L" open action node=group)" ret=$gfd/tracked
fi

# 2. Never widen access: who may not open the container does not get the target.
chmod 600 /dev/vfio/vfio
plain=$("${NOBODY[@]}" $X "$PROBE" open /dev/vfio/vfio 2>/dev/null | awk '$1=="open"{print $2, $3}')
check "nobody cannot open a 0600 root container without the shim (EACCES)" is "$plain" "ret=-1 errno=13"
"${NOBODY[@]}" env "${SAN_ENV[@]}" LD_PRELOAD="$SHIM" VFIOCOMPAT_LOG="$T/pub/deny.jsonl" $X "$PROBE" open /dev/vfio/vfio >"$T/out" 2>"$T/err"
check "... nor with the shim, though the target is 0666: same EACCES" is "$(awk '$1=="open"{print $2, $3}' "$T/out")" "$plain"
check "... the report says denied with EACCES" is "$(q "$T/pub/deny.jsonl" open action)/$(q "$T/pub/deny.jsonl" open errno)" "denied/EACCES"
"${NOBODY[@]}" env "${SAN_ENV[@]}" LD_PRELOAD="$SHIM" VFIOCOMPAT_MODE=audit $X "$PROBE" open /dev/vfio/vfio >"$T/out" 2>"$T/err"
check "... audit mode: same EACCES" is "$(awk '$1=="open"{print $2, $3}' "$T/out")" "$plain"
chmod 666 /dev/vfio/vfio
shim -- open /dev/vfio/vfio
check "root still redirected after the permission probe" is "$(field open path)" /dev/iommu

# 3. Setuid (AT_SECURE): every VFIOCOMPAT_* variable is ignored. LD_PRELOAD is
#    ignored there too, so the probe has the shim as a DT_NEEDED library.
if [ "$SAN" = 1 ]; then
	tap_skip "setuid ignores VFIOCOMPAT_*" "not under ASan (a sanitizer runtime in a setuid process)"
else
	mkdir -m 755 "$T/suid"
	cp "$B/helpers/fdprobe-linked" "$T/suid/probe"
	chmod 755 "$T/suid/probe"
	mknod -m 666 "$T/evil-target" c 1 3
	hostile=(VFIOCOMPAT_TARGET="$T/evil-target" VFIOCOMPAT_LOG="$T/pub/planted-%p.jsonl"
		VFIOCOMPAT_FALLBACK=fail VFIOCOMPAT_QUERY=1 VFIOCOMPAT_RLIMIT=user)
	"${NOBODY[@]}" env "${hostile[@]}" $X "$T/suid/probe" open /dev/vfio/vfio >"$T/out" 2>"$T/err"
	check "control (not setuid): the variables are honoured (target $T/evil-target)" is "$(field open path)" "$T/evil-target"
	check "control: the log is written" test -n "$(ls "$T"/pub/planted-*.jsonl 2>/dev/null)"
	"${NOBODY[@]}" env VFIOCOMPAT_MODE=off $X "$T/suid/probe" open /dev/vfio/vfio >"$T/out" 2>"$T/err"
	check "control: VFIOCOMPAT_MODE=off honoured (the plain result)" is "$(awk '$1=="open"{print $2, $3}' "$T/out")" "$want"
	rm -f "$T"/pub/planted-*.jsonl
fi
if [ "$SAN" = 1 ]; then
	:
elif [ -n "$X" ]; then
	tap_skip "setuid ignores VFIOCOMPAT_*" "qemu-user: the emulator runs a setuid program without AT_SECURE (it is not setuid itself)"
else
	chown root:root "$T/suid/probe"
	chmod 4755 "$T/suid/probe"
	"${NOBODY[@]}" env "${hostile[@]}" "$T/suid/probe" open /dev/vfio/vfio >"$T/out" 2>"$T/err"
	check "setuid: the shim ran (summary on stderr, mode redirect)" has "$T/err" "^vfiocompat: probe\[[0-9]*\]: mode redirect"
	check "setuid: VFIOCOMPAT_TARGET ignored: default target /dev/iommu" is "$(field open path)" /dev/iommu
	check "setuid: VFIOCOMPAT_LOG ignored: no file written" is "$(ls "$T"/pub/planted-*.jsonl 2>/dev/null | wc -l)" 0
	"${NOBODY[@]}" env VFIOCOMPAT_MODE=off "$T/suid/probe" open /dev/vfio/vfio >"$T/out" 2>"$T/err"
	check "setuid: VFIOCOMPAT_MODE=off ignored: redirected" is "$(field open path)" /dev/iommu
fi

# 4. The report's directory read-only or full: one warning, the program unharmed.
mkdir "$T/ro" "$T/full"
mount -t tmpfs -o ro,size=64k vfc-ro "$T/ro"
shim VFIOCOMPAT_LOG="$T/ro/r.jsonl" -- open /dev/vfio/vfio ioctl set 1
check "read-only report dir: redirected all the same" is "$(field open path)" /dev/iommu
check "read-only report dir: one warning naming EROFS" is "$(grep -c 'cannot write the report to .* (EROFS)' "$T/err")" 1
mount -t tmpfs -o size=8k vfc-full "$T/full"
head -c 65536 /dev/zero >"$T/full/filler" 2>/dev/null
shim VFIOCOMPAT_LOG="$T/full/r.jsonl" -- open /dev/vfio/vfio ioctl set 1 ioctl dirty
check "full report fs: redirected all the same" is "$(field open path)" /dev/iommu
check "full report fs: one warning naming ENOSPC" is "$(grep -c 'cannot write the report to .* (ENOSPC)' "$T/err")" 1

# 5. stderr closed: the shim must not write into a file that took fd 2.
: >"$T/data"
env "${SAN_ENV[@]}" LD_PRELOAD="$SHIM" VFIOCOMPAT_FALLBACK=bogus $X "$PROBE" open "$T/data" open /dev/vfio/vfio ioctl set 1 >"$T/out" 2>&-
check "stderr closed: the program's file got fd 2" is "$(awk '$1=="open"{print $4; exit}' "$T/out")" fd=2
check "stderr closed: redirected all the same" is "$(awk '$1=="open"{l=$0} END{print l}' "$T/out" | grep -o 'path=[^ ]*')" path=/dev/iommu
check "stderr closed: nothing written into the program's file at fd 2" test ! -s "$T/data"
env "${SAN_ENV[@]}" LD_PRELOAD="$SHIM" $X "$PROBE" open /dev/vfio/vfio ioctl set 1 >"$T/out" 2>&-
check "stderr closed: the container itself lands on fd 2, and works" is "$(field open fd)/$(field open path)" 2//dev/iommu

# 6. Hostile values: empty, huge, non-UTF-8, format specifiers.
for v in MODE FALLBACK TARGET LOG FIXUPS ERRNO RLIMIT QUERY; do
	shim "VFIOCOMPAT_$v=" -- open /dev/vfio/vfio
	n=$(grep -c "ignoring VFIOCOMPAT_$v=\"\"" "$T/err")
	[ "$v" = LOG ] || [ "$v" = TARGET ] || [ "$n" = 1 ] || break
	# An invalid mode means audit: the container stays type1.
	want=/dev/iommu
	[ "$v" = MODE ] && want=$TYPE1_PATH
	[ "$(field open path)" = "$want" ] || break
	v=ok
done
check "empty VFIOCOMPAT_* values: one line each, defaults kept (audit for the mode)" is "$v" ok
shim VFIOCOMPAT_LOG= -- open /dev/vfio/vfio ioctl set 1
check "empty VFIOCOMPAT_LOG: warned, summary on stderr instead" is \
	"$(grep -c 'ignoring VFIOCOMPAT_LOG=""' "$T/err")/$(grep -c '^vfiocompat: fdprobe\[' "$T/err")" 1/1
huge=$(head -c 131000 /dev/zero | tr '\0' x) # near MAX_ARG_STRLEN, the kernel's limit
shim VFIOCOMPAT_MODE="$huge" VFIOCOMPAT_TARGET="/$huge" -- open /dev/vfio/vfio
check "128 KiB values: one bounded line each, defaults kept (audit for the mode)" is \
	"$(grep -c 'ignoring VFIOCOMPAT_' "$T/err")/$(awk 'length($0) > 400' "$T/err" | wc -l)/$(field open path)" "2/0/$TYPE1_PATH"
shim VFIOCOMPAT_MODE="$(printf 'au\xffdit\xc3')" -- open /dev/vfio/vfio
check "non-UTF-8 value: quoted escaped, on one line" has "$T/err" 'ignoring VFIOCOMPAT_MODE="au\\ufffddit\\ufffd"'
shim VFIOCOMPAT_MODE='%s%n%p%x' -- open /dev/vfio/vfio
check "format specifiers in values are printed, never interpreted" has "$T/err" 'ignoring VFIOCOMPAT_MODE="%s%n%p%x"'
shim VFIOCOMPAT_TARGET='/dev/%n%s' -- open /dev/vfio/vfio
check "... a target with %n is a name like any other (fallback, warned)" has "$T/err" 'cannot open /dev/%n%s (ENOENT)'
rm -f "$T"/fmt-*
shim VFIOCOMPAT_LOG="$T/fmt-%s%n%-%p.jsonl" -- open /dev/vfio/vfio ioctl set 1
# (the glob's match list silenced inside: a redirect after check hid its TAP line)
globs() { compgen -G "$1" >/dev/null; }
check "format specifiers in VFIOCOMPAT_LOG: only %p expands" globs "$T/fmt-%s%n%-[0-9]*.jsonl"
ln -s /dev/vfio/vfio "$T/$(printf 'vfio-\xff\xfe')"
rm -f "$T/u.jsonl"
shim VFIOCOMPAT_LOG="$T/u.jsonl" -- open "$T/$(printf 'vfio-\xff\xfe')" ioctl set 1
check "non-UTF-8 path: redirected" is "$(field open path)" /dev/iommu
check "non-UTF-8 path: the report stays valid UTF-8 JSON" is "$(q "$T/u.jsonl" open action)" redirected
$X "$B/vfiocompat" report "$T/u.jsonl" >"$T/rep" 2>&1
check "non-UTF-8 path: vfiocompat report reads every line" has "$T/rep" " 0 lines skipped"

# 7. Memory bounded whatever the fds: a fixed table (one word per fd below
#    2^20, the kernel's default fs.nr_open, so every fd of a default host), no
#    allocator at all; fds >= 2^20 (only with fs.nr_open raised) pass through.
check "the shim imports no allocator" is "$(nm -D --undefined-only "$SHIM" | grep -cE ' (malloc|calloc|realloc|free|mmap)(@|$)')" 0
bss=$(size -A "$SHIM" | awk '$1 == ".bss" {print $2}')
check "its writable memory is one fixed table (.bss $bss bytes <= 4.5 MiB)" test "$bss" -le 4718592
top=$(($(ulimit -n) - 1))
L=$T/top.jsonl
rm -f "$L"
shim VFIOCOMPAT_LOG="$L" -- open /dev/vfio/vfio dup2 "$top" ioctl api
check "a container dup2'd to the highest fd the rlimit allows ($top) stays tracked" is "$(q "$L" summary ioctls.GET_API_VERSION.calls)" 1
tap_end
