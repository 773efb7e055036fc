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
B=$(cd "$B" && pwd)
V=$B/vfiocompat
T=$(mktemp -d "${TMPDIR:-/tmp}/vfc-conv.XXXXXX")
trap 'rm -rf "$T"' EXIT
SAN_ENV=()
[ "${VFC_SANITIZE:-0}" = 1 ] && SAN_ENV=(ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0)
has() { grep -q -- "$2" "$1" || { CHECK_DIAG="$(head -c 800 "$1")"; return 1; }; }
hasnt() { ! grep -q -- "$2" "$1" || { CHECK_DIAG="$(grep -- "$2" "$1" | head -3)"; return 1; }; }
rc_is() { [ "$1" = "$2" ] || { CHECK_DIAG="exit $1, want $2: $(head -c 600 "$T/o" "$T/e" 2>/dev/null)"; return 1; }; }
lines_are() { [ "$(wc -l <"$1")" = "$2" ] || { CHECK_DIAG="$(cat "$1")"; return 1; }; }
v() { env "${SAN_ENV[@]}" "$V" "$@" >"$T/o" 2>"$T/e"; }

# --- run: every forwarded signal, 200 times each, none lost (issue 16)
mkdir -p "$T/sig"
N=${VFC_SIGRACE_N:-200}
env "${SAN_ENV[@]}" timeout 900 "$B/helpers/sigrace" "$V" "$N" "$T/sig" >"$T/sig.out" 2>/dev/null; rc=$?
CHECK_DIAG=$(cat "$T/sig.out")
check "run: INT HUP QUIT USR1 USR2 WINCH TERM each sent $N times, none lost" \
	sh -c "test $rc = 0 && test \$(grep -c 'sent $N, forwarded $N, lost 0\$' '$T/sig.out') = 7"
echo "$CHECK_DIAG" | sed 's/^/# /'

# --- run: no litter, the report directory named when kept
mkdir "$T/tmp"
TMPDIR=$T/tmp v run --preload -- sh -c 'exit 0'
check "run: no report, so no empty vfiocompat-run.* left behind" test -z "$(ls -A "$T/tmp")"
TMPDIR=$T/tmp v run -- /nonexistent/cmd
check "run: a command not found leaves no directory either" test -z "$(ls -A "$T/tmp")"
if [ -c /dev/vfio/vfio ]; then
	TMPDIR=$T/tmp v run --preload -- "$B/helpers/fdprobe" open /dev/vfio/vfio
	check "run: a kept report directory is named in the verdict" has "$T/e" "details: vfiocompat report $T/tmp/vfiocompat-run\.[A-Za-z0-9]*/"
fi

# --- run --json
v run --preload --json -- sh -c 'exit 3'; rc=$?
check "run --json: exit status still CMD's" rc_is "$rc" 3
check "run --json: one JSON object on stderr with verdict, strategy and exit status" python3 -c '
import json, sys
o = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
assert o["verdict"] == "untested" and o["strategy"] == "preload" and o["exit_status"] == 3, o
assert o["reports"] is None and o["processes"] == 0, o' "$T/e"

# --- run: conflicting options refused with one line
v run --mount-ns --preload -- true; rc=$?
check "run --mount-ns --preload: refused, exit 2" rc_is "$rc" 2
check "... one line naming both" sh -c "test \$(wc -l <'$T/e') = 1 && grep -q -- '--mount-ns and --preload' '$T/e'"
v run --preload --mount-ns -- true; rc=$?
check "run --preload --mount-ns: refused too (not last-wins)" rc_is "$rc" 2
v run --mount-ns --audit -- true; rc=$?
check "run --mount-ns --audit: refused" rc_is "$rc" 2

# --- a program that is no VFIO user runs unchanged
v run -- /bin/true; rc=$?
check "run -- /bin/true: exit 0 (no --mount-ns, even without /dev/iommu)" rc_is "$rc" 0
check "... and no --mount-ns attempted" hasnt "$T/e" 'mount-ns\|not a character device'
printf 'int main(void) { return 5; }\n' >"$T/st.c"
if cc -static -o "$T/static-true" "$T/st.c" 2>/dev/null; then
	v run -- "$T/static-true"; rc=$?
	check "run: a static non-VFIO program runs unchanged with its own status (5)" rc_is "$rc" 5
	check "... and says so" has "$T/e" 'not a VFIO user.*running it unchanged'
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
cc -shared -fPIC -o "$T/dt/lib/libvfu.so" "$T/dt/vfu.c" &&
	cc -o "$T/dt/runpath" "$T/dt/main.c" -L"$T/dt/lib" -lvfu -Wl,--enable-new-dtags,-rpath,'$ORIGIN/lib' &&
	cc -o "$T/dt/rpath" "$T/dt/main.c" -L"$T/dt/lib" -lvfu -Wl,--disable-new-dtags,-rpath,"$T/dt/lib" &&
	cc -o "$T/dt/ldpath" "$T/dt/main.c" -L"$T/dt/lib" -lvfu &&
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
v run -- "$T/dt/runpath" env
check "run: a program whose library is a VFIO user is preloaded" has "$T/o" 'preload=.*libvfiocompat.so'
# ld.so.cache: the real system one, compared with the loader's own answer
libc_ldd=$(ldd /bin/true | awk '/libc.so.6/{print $3}')
v inspect /bin/true
check "inspect: libc found through ld.so.cache where ldd says" has "$T/o" "open/ioctl: *libc.so.6 ($libc_ldd)"
if [ -x /usr/bin/dpdk-testpmd ]; then
	eal=$(ldd /usr/bin/dpdk-testpmd | awk '/librte_eal/{print $3}')
	v inspect /usr/bin/dpdk-testpmd
	check "inspect dpdk-testpmd: preload works, through librte_eal (where ldd finds it)" has "$T/o" "verdict: *preload works: its library librte_eal.so.[0-9]* ($eal,"
	(cd "$T" && timeout 60 env "${SAN_ENV[@]}" "$V" run --json -- dpdk-testpmd --no-huge --no-pci -m 64 -- --help >"$T/o" 2>"$T/e"); rc=$?
	check "run -- dpdk-testpmd picks preload (exit 0, strategy preload)" sh -c "test $rc = 0 && tail -1 '$T/e' | grep -q '\"strategy\":\"preload\"'"
else
	tap_skip "inspect/run dpdk-testpmd" "dpdk-testpmd not installed (scripts/install-deps vm installs it)"
fi

# --- help COMMAND
for c in check inspect run report bench; do
	v help "$c"; rc=$?
	check "help $c: exit 0, $c's usage" sh -c "test $rc = 0 && grep -q '^usage: vfiocompat $c' '$T/o'"
done
v help frobnicate; rc=$?
check "help frobnicate: exit 2, one line" sh -c "test $rc = 2 && test \$(wc -l <'$T/e') = 1"
v help
check "help alone: the command list" has "$T/o" '^commands:'

tap_end
