#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The command's conventions (issue 22, issue 16's run signal race): signals
# forwarded even across fork, no litter, run --json, conflicting options
# refused, inspect and run following DT_NEEDED as the loader does, a
# non-VFIO program run unchanged, exit codes as vfiocompat(1) says,
# short PCI addresses, check's VFIO side, help COMMAND.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../lib/tap.sh"

B=${B:?B must name the build directory}
# VFC_EXEC_WRAP: a runner for the built programs (check-arm64: qemu-aarch64).
X=${VFC_EXEC_WRAP:-}
# VFC_EXEC_SH: the shell a shimmed program runs as (check-arm64: an arm64 sh).
SH=${VFC_EXEC_SH:-sh}
B=$(cd "$B" && pwd)
V=$B/vfiocompat
T=$(mktemp -d "${TMPDIR:-/tmp}/vfc-conv.XXXXXX")
trap 'rm -rf "$T"' EXIT
SAN_ENV=()
[ "${VFC_SANITIZE:-0}" = 1 ] && SAN_ENV=(ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0)
lines_are() { [ "$(wc -l <"$1")" = "$2" ] || { CHECK_DIAG="$(cat "$1")"; return 1; }; }
v() { env "${SAN_ENV[@]}" $X "$V" "$@" >"$T/o" 2>"$T/e"; }
# VFC_TARGET_CC: the compiler of the build's architecture, for the programs
# inspect reads (check-arm64: clang --target=aarch64-linux-gnu).
TCC=${VFC_TARGET_CC:-cc}

# --- run: every forwarded signal, 200 times each, none lost (issue 16)
mkdir -p "$T/sig"
N=${VFC_SIGRACE_N:-200}
env "${SAN_ENV[@]}" timeout 900 $X "$B/helpers/sigrace" "$V" "$N" "$T/sig" >"$T/sig.out" 2>/dev/null; rc=$?
CHECK_DIAG=$(cat "$T/sig.out")
check "run: INT HUP QUIT USR1 USR2 WINCH TERM each sent $N times, none lost" \
	sh -c "test $rc = 0 && test \$(grep -c 'sent $N, forwarded $N, lost 0\$' '$T/sig.out') = 7"
echo "$CHECK_DIAG" | sed 's/^/# /'

# --- run: no litter, the report directory named when kept
mkdir "$T/tmp"
TMPDIR=$T/tmp v run --preload -- $SH -c 'exit 0'
check "run: no report, so no empty vfiocompat-run.* left behind" test -z "$(ls -A "$T/tmp")"
TMPDIR=$T/tmp v run -- /nonexistent/cmd
check "run: a command not found leaves no directory either" test -z "$(ls -A "$T/tmp")"
if [ -c /dev/vfio/vfio ]; then
	TMPDIR=$T/tmp v run --preload -- $X "$B/helpers/fdprobe" open /dev/vfio/vfio
	check "run: a kept report directory is named in the verdict" has "$T/e" "details: vfiocompat report $T/tmp/vfiocompat-run\.[A-Za-z0-9]*/"
fi

# --- run --json
v run --preload --json -- $SH -c 'exit 3'; rc=$?
check "run --json: exit status still CMD's" rc_is "$rc" 3
check "run --json: one JSON object on stderr with verdict, strategy and exit status" python3 -c '
import json, sys
o = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
assert o["verdict"] == "untested" and o["strategy"] == "preload" and o["exit_status"] == 3, o
assert o["reports"] is None and o["processes"] == 0, o' "$T/e"

# --- run --json-file, --json-fd: the verdict apart from the program's output
v run --preload --json-file "$T/v.json" -- $SH -c 'echo "{not the verdict}" >&2; exit 3'; rc=$?
check "run --json-file: exit status still CMD's" rc_is "$rc" 3
check "run --json-file: the file holds the one JSON verdict" python3 -c '
import json, sys
o = json.loads(open(sys.argv[1]).read())
assert o["verdict"] == "untested" and o["exit_status"] == 3, o' "$T/v.json"
check "run --json-file: stderr keeps the program's output and the verdict line" \
	sh -c "grep -q '^{not the verdict}' '$T/e' && grep -q '^vfiocompat run: .*UNTESTED' '$T/e'"
env "${SAN_ENV[@]}" $X "$V" run --preload --json-fd 9 -- $SH -c 'test -e /proc/self/fd/9 && echo leaked >&2; echo out; exit 4' \
	9>"$T/fd.json" >"$T/o" 2>"$T/e"; rc=$?
check "run --json-fd 9: exit status still CMD's (4)" rc_is "$rc" 4
check "run --json-fd 9: the JSON verdict on fd 9" python3 -c '
import json, sys
o = json.loads(open(sys.argv[1]).read())
assert o["exit_status"] == 4 and o["strategy"] == "preload", o' "$T/fd.json"
check "run --json-fd 9: the program does not inherit fd 9" hasnt "$T/e" leaked
v run --json-fd 9 -- true; rc=$?
check "run --json-fd on a closed fd: run's error (125), one line" \
	sh -c "test $rc = 125 && test \$(wc -l <'$T/e') = 1 && grep -q -- '--json-fd 9: not open' '$T/e'"
v run --json-file "$T/nodir/v.json" -- true; rc=$?
check "run --json-file into a missing directory: 125 before the program runs" rc_is "$rc" 125
v run --json --json-file "$T/v.json" -- true; rc=$?
check "run --json with --json-file: refused, 125" rc_is "$rc" 125

# --- run: conflicting options refused with one line
v run --mount-ns --preload -- true; rc=$?
check "run --mount-ns --preload: refused, exit 125" rc_is "$rc" 125
check "... one line naming both" sh -c "test \$(wc -l <'$T/e') = 1 && grep -q -- '--mount-ns and --preload' '$T/e'"
v run --preload --mount-ns -- true; rc=$?
check "run --preload --mount-ns: refused too (not last-wins)" rc_is "$rc" 125
v run --mount-ns --audit -- true; rc=$?
check "run --mount-ns --audit: refused, exit 125" rc_is "$rc" 125

# --- a program that is no VFIO user runs unchanged
v run -- /bin/true; rc=$?
check "run -- /bin/true: exit 0 (no --mount-ns, even without /dev/iommu)" rc_is "$rc" 0
check "... and no --mount-ns attempted" hasnt "$T/e" 'mount-ns\|not a character device'
printf 'int main(void) { return 5; }\n' >"$T/st.c"
if cc -static -o "$T/static-true" "$T/st.c" 2>/dev/null; then
	v run -- "$T/static-true"; rc=$?
	check "run: a static non-VFIO program runs unchanged with its own status (5)" rc_is "$rc" 5
	if [ -n "$X" ]; then
		tap_skip "... and says so" "qemu-user: run can exec only x86 programs (the emulator too), which the arm64 inspect does not read"
	else
		check "... and says so" has "$T/e" 'not a VFIO user.*running it unchanged'
	fi
else
	tap_fail "a static test program builds (libc6-dev's static libc)"
fi
v run --json -- sh -c 'echo "pre=$LD_PRELOAD"'
check "run: a shell script still gets the shim (what it starts may be a VFIO user)" has "$T/o" 'libvfiocompat.so'

# --- inspect follows DT_NEEDED through the loader's search path
mkdir -p "$T/dt/lib" "$T/dt/ldlib"
cat >"$T/dt/vfu.c" <<'EOF'
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>
int vfu_open(void)
{
	int fd = open("/dev/vfio/vfio", O_RDWR);

	if (fd >= 0) {
		ioctl(fd, 0x3b64, 0);
		close(fd);
	}
	return fd;
}
EOF
cat >"$T/dt/main.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
int vfu_open(void);
int main(int argc, char **argv)
{
	if (argc > 1) {
		const char *p = getenv("LD_PRELOAD");
		printf("preload=%s\n", p ? p : "");
		return 0;
	}
	return vfu_open() >= 0 ? 0 : 1;
}
EOF
$TCC -shared -fPIC -o "$T/dt/lib/libvfu.so" "$T/dt/vfu.c" &&
	$TCC -o "$T/dt/runpath" "$T/dt/main.c" -L"$T/dt/lib" -lvfu -Wl,--enable-new-dtags,-rpath,'$ORIGIN/lib' &&
	$TCC -o "$T/dt/rpath" "$T/dt/main.c" -L"$T/dt/lib" -lvfu -Wl,--disable-new-dtags,-rpath,"$T/dt/lib" &&
	$TCC -o "$T/dt/ldpath" "$T/dt/main.c" -L"$T/dt/lib" -lvfu &&
	cp "$T/dt/lib/libvfu.so" "$T/dt/ldlib/"; rc=$?
check "DT_NEEDED fixtures build (a program whose VFIO code is in libvfu.so)" test "$rc" = 0
check "... the program itself has no VFIO reference (the oracle: grep)" sh -c "! grep -q /dev/vfio '$T/dt/runpath'"
v inspect "$T/dt/runpath"
check "inspect: a library with VFIO code found through RUNPATH (\$ORIGIN): preload works" has "$T/o" "verdict: *preload works: its library libvfu.so ($T/dt/lib/libvfu.so, found through RUNPATH)"
check "... names the library defining open and ioctl" has "$T/o" 'open/ioctl: *libc.so.6 (/'
v inspect "$T/dt/rpath"
check "inspect: ... through RPATH" has "$T/o" 'found through RPATH'
LD_LIBRARY_PATH=$T/dt/ldlib v inspect "$T/dt/ldpath"
check "inspect: ... through LD_LIBRARY_PATH" has "$T/o" "libvfu.so ($T/dt/ldlib/libvfu.so, found through LD_LIBRARY_PATH)"
v inspect "$T/dt/ldpath"
check "inspect: a library the loader cannot find is named" has "$T/o" 'not found: libvfu.so'
v inspect --json "$T/dt/runpath"
check "inspect --json: vfio_library, found through, open/ioctl library" python3 -c '
import json, sys
o = json.loads(open(sys.argv[1]).read())
assert o["strategy"] == "preload" and o["vfio_library"].endswith("/lib/libvfu.so"), o
assert o["vfio_library_found_through"] == "RUNPATH" and "libc.so" in o["open_ioctl_library"], o' "$T/o"
if [ -n "$X" ]; then
	tap_skip "run: a program whose library is a VFIO user is preloaded" "qemu-user: run can exec only x86 programs (the emulator too), which the arm64 inspect does not read"
else
	v run -- "$T/dt/runpath" env
	check "run: a program whose library is a VFIO user is preloaded" has "$T/o" 'preload=.*libvfiocompat.so'
fi
# ld.so.cache: the real system one, compared with the loader's own answer
# (a program of the build's architecture: under a runner, the probe and its
# loader's --list for ldd).
native=/bin/true ldd=(ldd)
if [ -n "$X" ]; then
	native=$B/helpers/fdprobe
	ldd=($X "$(readelf -l "$native" | sed -n 's/.*interpreter: \(.*\)]/\1/p')" --list)
fi
libc_ldd=$("${ldd[@]}" "$native" | awk '/libc.so.6/{print $3}')
v inspect "$native"
check "inspect: libc found through ld.so.cache where ldd says" has "$T/o" "open/ioctl: *libc.so.6 ($libc_ldd)"
if [ -n "$X" ]; then
	tap_skip "inspect/run dpdk-testpmd" "qemu-user: this host's dpdk-testpmd is x86, not the arm64 build's"
elif [ -x /usr/bin/dpdk-testpmd ]; then
	eal=$(ldd /usr/bin/dpdk-testpmd | awk '/librte_eal/{print $3}')
	v inspect /usr/bin/dpdk-testpmd
	check "inspect dpdk-testpmd: preload works, through librte_eal (where ldd finds it)" has "$T/o" "verdict: *preload works: its library librte_eal.so.[0-9]* ($eal,"
	# Two lcores on CPU 0: testpmd wants a forwarding core besides the main
	# one before it reads --help, and the arm64 lab's VM has one CPU.
	(cd "$T" && timeout 60 env "${SAN_ENV[@]}" $X "$V" run --json -- dpdk-testpmd --no-huge --no-pci -m 64 --lcores 0@0,1@0 -- --help >"$T/o" 2>"$T/e"); rc=$?
	CHECK_DIAG="exit $rc; $(tail -n 8 "$T/e")"
	check "run -- dpdk-testpmd picks preload (exit 0, strategy preload)" sh -c "test $rc = 0 && tail -1 '$T/e' | grep -q '\"strategy\":\"preload\"'"
	CHECK_DIAG=
else
	tap_skip "inspect/run dpdk-testpmd" "dpdk-testpmd not installed (scripts/install-deps vm installs it)"
fi

# --- check: exit codes as vfiocompat(1) says, one line for bad input
v check --migration notabdf; rc=$?
check "check --migration notabdf: exit 2" rc_is "$rc" 2
check "... one line naming the address and the form" sh -c "lines=\$(wc -l <'$T/e'); test \$lines = 1 && grep -q \"'notabdf' is not a PCI address\" '$T/e'"
v check --config /nonexistent; rc=$?
check "check --config /nonexistent: exit 2, one line with the reason" sh -c "test $rc = 2 && test \$(wc -l <'$T/e') = 1 && grep -q '/nonexistent: No such file or directory' '$T/e'"
v check --config /dev/null; rc=$?
check "check --config /dev/null: exit 2, says why (a character device)" sh -c "test $rc = 2 && grep -q '/dev/null: a character device' '$T/e'"
: >"$T/empty.config"
v check --config "$T/empty.config"; rc=$?
check "check --config on an empty file: exit 2, says empty" sh -c "test $rc = 2 && grep -q 'empty (0 bytes)' '$T/e'"
v check --config /etc/passwd; rc=$?
check "check --config /etc/passwd: refused as not a kernel config (exit 2)" sh -c "test $rc = 2 && grep -q 'is not a kernel config' '$T/e'"
check "... and no PASS for it" hasnt "$T/o" 'PASS'
printf '#\n# Automatically generated file; DO NOT EDIT.\n# Linux/x86 5.10.0 Kernel Configuration\n#\n# CONFIG_IOMMUFD is not set\nCONFIG_VFIO=m\n' >"$T/old.config"
v check --config "$T/old.config"; rc=$?
check "check --config: the kernel line shows the file's version (5.10.0), not the running one" has "$T/o" "FAIL  kernel  *Linux 5.10.0 (from $T/old.config) has no iommufd"
check "... the running release is not on that line" sh -c "! grep '^  [A-Z]*  kernel  ' '$T/o' | grep -qF '$(uname -r)'"
printf 'CONFIG_IOMMUFD=y\n' >"$T/nover.config"
v check --config "$T/nover.config"
check "check --config without a version header: the kernel line says unknown" has "$T/o" 'INFO  kernel  *version unknown'
v check --config "$T/old.config" --migration 00:00.0; rc=$?
check "check --config F --migration: refused, exit 2, one line" sh -c "test $rc = 2 && test \$(wc -l <'$T/e') = 1 && grep -q 'exclude each other' '$T/e'"

# --- short PCI addresses; a device that does not exist
first=$(ls /sys/bus/pci/devices 2>/dev/null | head -n1)
if [ -n "$first" ] && [ "${first%%:*}" = 0000 ]; then
	short=${first#0000:}
	v check --migration "$short"; rc=$?
	check "check --migration $short: accepted as $first (domain 0000)" sh -c "test $rc != 2 && grep -q '$first' '$T/o'"
	v check --migration "$(echo "$first" | tr a-f A-F)"; rc=$?
	check "... upper-case hex accepted too" sh -c "test $rc != 2 && grep -q '$first' '$T/o'"
else
	tap_skip "short PCI address accepted" "this host has no PCI device in domain 0000 to name"
fi
v check --migration 7f:1f.7; rc=$?
check "check --migration on a device that does not exist: exit 2, says so" sh -c "test $rc = 2 && grep -q 'no PCI device 0000:7f:1f.7 on this host' '$T/e'"
v check --migration 0000:03:20.0; rc=$?
check "check --migration: device number past 1f refused" rc_is "$rc" 2

# --- check: the VFIO side
printf '# Linux/x86 6.12.0 Kernel Configuration\nCONFIG_IOMMUFD=m\n# CONFIG_VFIO is not set\n' >"$T/novfio.config"
v check --config "$T/novfio.config"
check "no CONFIG_VFIO: FAIL CONFIG_VFIO" has "$T/o" 'FAIL  CONFIG_VFIO  *not set: this kernel has no VFIO'
check "... no impossible hint (driverctl, modprobe vfio)" sh -c "! grep -E 'driverctl|modprobe vfio' '$T/o'"
printf '# Linux/x86 6.12.0 Kernel Configuration\n# CONFIG_IOMMUFD is not set\nCONFIG_VFIO=y\n' >"$T/noiommufd.config"
v check --config "$T/noiommufd.config"
check "no CONFIG_IOMMUFD: no 'modprobe iommufd' hint" hasnt "$T/o" 'modprobe iommufd'
printf '# Linux/x86 6.12.0 Kernel Configuration\nCONFIG_IOMMUFD=y\nCONFIG_VFIO=m\n# CONFIG_VFIO_PCI is not set\nCONFIG_VFIO_GROUP=y\nCONFIG_VFIO_CONTAINER=y\nCONFIG_VFIO_IOMMU_TYPE1=m\nCONFIG_VFIO_DEVICE_CDEV=y\n' >"$T/nopci.config"
v check --config "$T/nopci.config"
check "no CONFIG_VFIO_PCI: FAIL CONFIG_VFIO_PCI" has "$T/o" 'FAIL  CONFIG_VFIO_PCI  *not set'
for sym in VFIO=m VFIO_GROUP=y VFIO_CONTAINER=y VFIO_IOMMU_TYPE1=m VFIO_DEVICE_CDEV=y; do
	check "check --config lists CONFIG_$sym" has "$T/o" "PASS  CONFIG_${sym%%=*}  *=${sym#*=}"
done
sed 's/CONFIG_VFIO_IOMMU_TYPE1=m/# CONFIG_VFIO_IOMMU_TYPE1 is not set/' "$T/nopci.config" >"$T/notype1.config"
v check --config "$T/notype1.config"
check "container without VFIO_IOMMU_TYPE1: WARN" has "$T/o" 'WARN  CONFIG_VFIO_IOMMU_TYPE1  *not set'
v check
check "check: vfio and vfio-pci module lines" sh -c "grep -q '  vfio module  ' '$T/o' && grep -q '  vfio-pci module  ' '$T/o'"
check "check: the module hint points at the installed docs, not kernel/README.md" sh -c "! strings '$V' | grep -q 'kernel/README.md' && strings '$V' | grep -q 'share/doc/vfiocompat/kernel-module.md'"
if [ ! -e /sys/module/vfiocompat ]; then
	check "... and says so when the module is not loaded" has "$T/o" 'share/doc/vfiocompat/kernel-module.md'
fi
if [ -d /sys/kernel/iommu_groups ] && ls /sys/bus/pci/drivers/vfio-pci 2>/dev/null | grep -q :; then
	check "check: one line per IOMMU group with a vfio-pci device" has "$T/o" '  IOMMU group [0-9]*  .*(vfio-pci)'
fi
v check --config "$T/nopci.config" --json
cp "$T/o" "$T/check.json"
v check --config "$T/nopci.config"
check "check: long names (CONFIG_IOMMUFD_VFIO_CONTAINER) keep one detail column" python3 -c '
import json, sys
names = [c["name"] for c in json.load(open(sys.argv[1]))["checks"]]
rows = [l for l in open(sys.argv[2]) if l[2:6] in ("PASS", "SKIP", "INFO", "WARN", "FAIL")]
assert len(rows) == len(names), (len(rows), len(names))
col = 8 + max(len(n) for n in names) + 1
for n, l in zip(names, rows):
    assert l[8:8 + len(n)] == n and l[8 + len(n):col].strip() == "" and l[col] != " ", (n, l)
assert any(n == "CONFIG_IOMMUFD_VFIO_CONTAINER" for n in names)' "$T/check.json" "$T/o"

# --- help COMMAND
for c in check inspect run report bench; do
	v help "$c"; rc=$?
	check "help $c: exit 0, $c's usage" sh -c "test $rc = 0 && grep -q '^usage: vfiocompat $c' '$T/o'"
done
v help frobnicate; rc=$?
check "help frobnicate: exit 2, one line" sh -c "test $rc = 2 && test \$(wc -l <'$T/e') = 1"
v help
check "help alone: the command list" has "$T/o" '^commands:'

# --- one form for errors, one exit code per meaning (vfiocompat(1), EXIT STATUS)
# The arm64 build has no vfiocompat-libvirt (no libvirt-dev:arm64, docs/arm64.md),
# under qemu-user or natively (the arm64 lab's arm64-host plan).
nolv=
[ ! -x "$B/vfiocompat-libvirt" ] && readelf -h "$V" | grep -q 'Machine:.*AArch64' && nolv=1
for c in check inspect run report bench audit libvirt; do
	if [ "$c" = libvirt ] && [ -n "$nolv" ]; then
		tap_skip "libvirt --no-such-option" "the arm64 build has no vfiocompat-libvirt (no libvirt-dev:arm64)"
		continue
	fi
	want=2
	[ "$c" = run ] && want=125
	v "$c" --no-such-option x; rc=$?
	check "$c --no-such-option: exit $want" rc_is "$rc" "$want"
	check "$c --no-such-option: one line, 'vfiocompat $c: ...' naming it" \
		sh -c "test \$(wc -l <'$T/e') = 1 && grep -q \"^vfiocompat $c: .*'--no-such-option'\" '$T/e'"
	check "$c --no-such-option: no build path in it" hasnt "$T/e" "$B"
done
v report --output; rc=$?
check "report --output without its value: exit 2, 'vfiocompat report: ...'" \
	sh -c "test $rc = 2 && grep -q \"^vfiocompat report: .*'--output'\" '$T/e'"
if [ -n "$nolv" ]; then
	tap_skip "libvirt without a domain" "the arm64 build has no vfiocompat-libvirt (no libvirt-dev:arm64)"
else
	v libvirt enable; rc=$?
	check "libvirt without a domain: exit 2, 'vfiocompat libvirt: ...', no build path" \
		sh -c "test $rc = 2 && grep -q '^vfiocompat libvirt: ' '$T/e' && ! grep -q '$B' '$T/e'"
fi
v run --target relative -- true; rc=$?
check "run: its own error (a relative --target) exits 125, not the program's 2" rc_is "$rc" 125
v run --preload -- $SH -c 'exit 2'; rc=$?
check "run: the program's own 2 passes through" rc_is "$rc" 2
v report --bogus; rc=$?
check "no error says 'vfiocompat: report:' (the old form)" hasnt "$T/e" '^vfiocompat: '

tap_end
