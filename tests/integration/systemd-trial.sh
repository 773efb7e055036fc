#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `vfiocompat systemd` on real units under a real systemd (issue 30): this
# host's PID 1 is not systemd, so systemd-nspawn boots the lab's trixie root
# (tests/vm/build-root trixie; an overlay on it, the cached root untouched)
# with systemd as PID 1 and the package's paths installed (PREFIX=/usr, the
# multiarch LIBDIR). A service with DevicePolicy=closed that opens
# /dev/vfio/vfio is trialled: enable, restart, its report appears in its own
# directory and `vfiocompat report` reads it; disable, restart, no preload,
# and the unit's drop-in directory and `systemctl cat` are back byte for
# byte. Refusals, status, and the shipped vfiocompat-report.service and
# .timer run in the same systemd.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../lib/tap.sh"
B=${B:?B must name the build directory}
command -v systemd-nspawn >/dev/null || {
	tap_fail "systemd-nspawn is installed (scripts/install-deps build: systemd-container)"
	tap_end
	exit 1
}
ROOT=$("$top/tests/vm/build-root" trixie) || {
	tap_fail "the trixie root builds (tests/vm/build-root trixie: mmdebstrap, network)"
	tap_end
	exit 1
}
T=$(mktemp -d "${TMPDIR:-/tmp}/vfc-sdtrial.XXXXXX")
R=$T/root
NSPID="" L=""
cleanup() {
	# Stop what this script started, by its pids: the container's PID 1
	# (SIGRTMIN+4: poweroff), then systemd-nspawn itself if it lingers.
	if [ -n "$L" ] && kill -0 "$L" 2>/dev/null; then
		kill -s RTMIN+4 "$L" 2>/dev/null
	fi
	if [ -n "$NSPID" ]; then
		for _ in $(seq 100); do kill -0 "$NSPID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$NSPID" 2>/dev/null
		wait "$NSPID" 2>/dev/null
	fi
	mountpoint -q "$R" && umount "$R"
	rm -rf "$T"
}
trap cleanup EXIT
mkdir -p "$T/up" "$T/work" "$R"
mount -t overlay vfc-sdtrial -o "lowerdir=$ROOT,upperdir=$T/up,workdir=$T/work" "$R"
check "an overlay on the cached trixie root (the cache stays read-only)" mountpoint -q "$R"

MA=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
LIB=/usr/lib/$MA/libvfiocompat.so
SANARG=()
[ "${VFC_SANITIZE:-0}" = 1 ] && SANARG=(SAN=1)
make -s -C "$top" B="$B" "${SANARG[@]}" PREFIX=/usr LIBDIR="/usr/lib/$MA" DESTDIR="$R" install >"$T/log" 2>&1
rc=$?
CHECK_DIAG=$(tail -n 20 "$T/log")
check "make install PREFIX=/usr LIBDIR=/usr/lib/$MA into the root" test "$rc" = 0
# A sanitizer build (make sanitize) needs this host's ASan/UBSan runtimes
# (and their libstdc++) in the root, and its preloaded shim the runtime's
# link-order check off.
SANUNIT="" SAN_ENV=()
if [ "${VFC_SANITIZE:-0}" = 1 ]; then
	cp -a /usr/lib/"$MA"/libasan.so.* /usr/lib/"$MA"/libubsan.so.* /usr/lib/"$MA"/libstdc++.so.6* "$R/usr/lib/$MA/"
	SANUNIT="Environment=ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0"
	SAN_ENV=(env ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0)
	mkdir -p "$R/etc/systemd/system/vfiocompat-report.service.d"
	printf '[Service]\n%s\n' "$SANUNIT" >"$R/etc/systemd/system/vfiocompat-report.service.d/asan.conf"
fi

# The demo service: opens the VFIO container, as a VFIO service would, with
# its devices restricted. A second unit restricts nothing and has no drop-in
# directory; a third already preloads; a fourth has a foreign drop-in of our name.
U=$R/etc/systemd/system
cat >"$U/vfc-demo.service" <<EOF
[Unit]
Description=vfiocompat trial demo: opens the VFIO container
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'if true 3<>/dev/vfio/vfio; then echo vfc-demo: container opened; else echo vfc-demo: container open failed; fi'
DevicePolicy=closed
DeviceAllow=/dev/vfio/vfio rw
$SANUNIT
EOF
mkdir -p "$U/vfc-demo.service.d"
printf '[Service]\nEnvironment=SITE=lab\n' >"$U/vfc-demo.service.d/10-site.conf"
printf '[Service]\nType=oneshot\nExecStart=/bin/true\n' >"$U/vfc-plain.service"
printf '[Service]\nType=oneshot\nExecStart=/bin/true\nEnvironment="LD_PRELOAD=/usr/lib/other.so" A=1\n' >"$U/vfc-preloaded.service"
printf '[Service]\nType=oneshot\nExecStart=/bin/true\n' >"$U/vfc-foreign.service"
mkdir -p "$U/vfc-foreign.service.d"
printf '[Service]\nNice=5\n' >"$U/vfc-foreign.service.d/90-vfiocompat.conf"
mkdir -p "$R/var/lib/prometheus/node-exporter"

# systemd as PID 1 in the root; basic.target is enough (no libvirtd).
# SYSTEMD_NSPAWN_UNIFIED_HIERARCHY: the container's systemd (257) wants
# cgroup v2, which this host's hybrid layout has at /sys/fs/cgroup/unified.
t0=$(date +%s)
SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 systemd-nspawn -q --register=no --keep-unit \
	--console=read-only -M "vfc-sdtrial-$$" -D "$R" --boot -- --unit=basic.target \
	</dev/null >"$T/console" 2>&1 &
NSPID=$!
# The container's PID 1: nspawn's child whose innermost pid is 1.
for _ in $(seq 100); do
	for c in $(cat "/proc/$NSPID/task/$NSPID/children" 2>/dev/null); do
		[ "$(awk '/^NSpid:/ {print $NF}' "/proc/$c/status" 2>/dev/null)" = 1 ] && L=$c
	done
	[ -n "$L" ] && break
	sleep 0.1
done
C() { nsenter -t "$L" -m -u -i -n -p -C -r -w -- "${SAN_ENV[@]}" "$@"; }
# Until its private socket answers (a fresh PID 1 is "offline"), then the boot.
state=""
for _ in $(seq 600); do
	[ -n "$L" ] && state=$(C systemctl is-system-running 2>&1)
	case $state in running | degraded | maintenance) break ;; esac
	sleep 0.1
done
CHECK_DIAG=$(tail -n 30 "$T/console")
check "systemd boots as PID 1 in the container ($state in $(($(date +%s) - t0))s)" \
	sh -c "[ -n '$L' ] && [ \"\$(cat /proc/$L/comm)\" = systemd ] && case '$state' in running|degraded) exit 0;; esac; exit 1"
echo "# $(C systemctl --version | head -1)"
# /dev/vfio/vfio as the real container node (c 10 196), /dev/iommu a
# stand-in (c 1 3), as tests/integration/ns-run makes them: the shim
# redirects the first to the second.
C sh -c 'mkdir -p /dev/vfio && mknod -m 666 /dev/vfio/vfio c 10 196 && mknod -m 666 /dev/iommu c 1 3'

D=/etc/systemd/system/vfc-demo.service.d
RD=/var/log/vfiocompat/vfc-demo.service
dirsum() { C sh -c "cd '$1' 2>/dev/null && find . -printf '%p %m %y\n' | sort && find . -type f -exec sha256sum {} + | sort || echo absent"; }
dirsum "$D" >"$T/sum.before"
C systemctl cat vfc-demo.service >"$T/cat.before" 2>&1
C systemctl cat vfc-plain.service >"$T/catp.before" 2>&1
C systemctl start vfc-demo.service >"$T/o" 2>&1
rc=$?
CHECK_DIAG=$(cat "$T/o")
check "before the trial: the demo runs (exit 0), and writes no report" sh -c "[ $rc = 0 ] && [ ! -e '$R$RD' ]"

C vfiocompat systemd enable vfc-demo >"$T/o" 2>"$T/e"
rc=$?
check "enable vfc-demo: exit 0" rc_is "$rc" 0
check "... says where the reports go" has "$T/o" "reports in $RD/"
F=$R$D/90-vfiocompat.conf
check "... the drop-in preloads the installed library ($LIB, not /usr/local)" has "$F" "^Environment=LD_PRELOAD=$LIB\$"
check "... its log template escapes systemd's %-specifiers (%%e-%%p)" has "$F" "^Environment=VFIOCOMPAT_LOG=$RD/%%e-%%p.jsonl\$"
check "... DevicePolicy=closed: the target node is allowed" has "$F" '^DeviceAllow=/dev/iommu rw$'
check "... the site's own drop-in is untouched" is "$(cat "$R$D/10-site.conf")" "$(printf '[Service]\nEnvironment=SITE=lab')"
C systemctl show -p Environment -p DeviceAllow -p LogsDirectory -p NeedDaemonReload vfc-demo.service >"$T/show" 2>&1
check "systemd took it (daemon-reload): Environment has LD_PRELOAD" has "$T/show" "^Environment=.*LD_PRELOAD=$LIB"
check "... DeviceAllow has /dev/iommu rw beside the unit's own" has "$T/show" '^DeviceAllow=.*/dev/iommu rw'
check "... no reload pending" has "$T/show" '^NeedDaemonReload=no$'

C systemctl restart vfc-demo.service >"$T/o" 2>&1
rc=$?
CHECK_DIAG=$(cat "$T/o")
check "restart under the trial: exit 0" test "$rc" = 0
C journalctl -u vfc-demo.service --no-pager -o cat >"$T/journal" 2>&1
check "... the service opened the container (its journal; without the shim this host has no VFIO)" has "$T/journal" 'vfc-demo: container opened'
check "... and not before, without the shim" has "$T/journal" 'vfc-demo: container open failed' 
ls "$R$RD"/*.jsonl >"$T/reports" 2>/dev/null
n=$(wc -l <"$T/reports")
CHECK_DIAG="$(ls -la "$R$RD" 2>&1; C journalctl -u vfc-demo.service --no-pager 2>&1 | tail -5)"
check "the report appears in the unit's own directory ($n file)" test "$n" = 1
rep=$(head -1 "$T/reports")
check "... written by the service's shell under the shim: a start record" has "$rep" '"type":"start"'
check "... the container open was redirected (LD_PRELOAD reached the service)" has "$rep" '"action":"redirected"'
C vfiocompat report "${rep#"$R"}" >"$T/o" 2>"$T/e"
rc=$?
CHECK_DIAG="exit $rc: $(cat "$T/o" "$T/e")"
check "vfiocompat report reads it (exit $rc, not 2)" sh -c "[ $rc != 2 ] && grep -q '1 process' '$T/o'"
C vfiocompat systemd status >"$T/o" 2>&1
rc=$?
CHECK_DIAG=$(cat "$T/o")
check "status lists the trial with its report" sh -c "[ $rc = 0 ] && grep -q '^vfc-demo.service: trial enabled .*reports: 1 in $RD/' '$T/o' && [ \$(wc -l <'$T/o') = 1 ]"

# Refusals: one line each, exit 2, nothing written.
refused() { # refused DESC PATTERN ARGS...: one stderr line matching PATTERN, exit 2
	local d=$1 p=$2
	shift 2
	C vfiocompat systemd "$@" >"$T/o" 2>"$T/e"
	rc=$?
	CHECK_DIAG="exit $rc: $(cat "$T/o" "$T/e")"
	check "refused: $d (exit 2, one line)" sh -c "[ $rc = 2 ] && [ \$(wc -l <'$T/e') = 1 ] && grep -q -- '$p' '$T/e' && [ ! -s '$T/o' ]"
}
refused "a unit that does not exist" 'nosuch.service: no such unit' enable nosuch
refused "a unit that already sets LD_PRELOAD" 'already sets LD_PRELOAD' enable vfc-preloaded
refused "a foreign drop-in of the same name" 'is not vfiocompat.s; left as it is' enable vfc-foreign
refused "disable of a foreign drop-in" 'is not vfiocompat.s; left as it is' disable vfc-foreign
check "... the foreign drop-in is as it was" is "$(cat "$U/vfc-foreign.service.d/90-vfiocompat.conf")" "$(printf '[Service]\nNice=5')"
check "... and nothing was written for the others" sh -c "! test -e '$U/nosuch.service.d' && ! test -e '$U/vfc-preloaded.service.d'"

# The shipped report service and timer, in this systemd.
P=/var/lib/prometheus/node-exporter/vfiocompat.prom
C systemctl start vfiocompat-report.service >"$T/o" 2>&1
rc=$?
CHECK_DIAG="$(cat "$T/o"; C journalctl -u vfiocompat-report.service --no-pager 2>&1 | tail -8)"
check "vfiocompat-report.service runs (hardened) in systemd: exit 0" test "$rc" = 0
check "... the .prom file appears with the trial's report" has "$R$P" '^vfiocompat_report_files 1$'
ino=$(stat -c %i "$R$P" 2>/dev/null)
C systemctl start vfiocompat-report.service >/dev/null 2>&1
check "... again: replaced by a rename (new inode), no temporary left" \
	sh -c "[ \"\$(stat -c %i '$R$P')\" != '$ino' ] && [ \"\$(ls -A '$R${P%/*}')\" = vfiocompat.prom ]"
C systemctl start vfiocompat-report.timer
C systemctl list-timers --all --no-pager >"$T/timers" 2>&1
check "vfiocompat-report.timer is listed by systemctl list-timers" has "$T/timers" 'vfiocompat-report.timer *vfiocompat-report.service'

# disable: exactly what enable wrote goes; the reports stay.
C vfiocompat systemd disable vfc-demo >"$T/o" 2>"$T/e"
rc=$?
check "disable vfc-demo: exit 0" rc_is "$rc" 0
C systemctl restart vfc-demo.service >"$T/o" 2>&1
rc=$?
CHECK_DIAG=$(cat "$T/o")
check "restart after disable: exit 0" test "$rc" = 0
C journalctl -u vfc-demo.service --no-pager -o cat >"$T/journal" 2>&1
check "... the service ran without the shim (container open failed again)" is "$(grep -c 'vfc-demo: container open failed' "$T/journal")" 2
C systemctl show -p Environment vfc-demo.service >"$T/show" 2>&1
check "after disable and restart: no LD_PRELOAD in the service" hasnt "$T/show" LD_PRELOAD
check "... no new report (the service ran without the shim)" is "$(ls "$R$RD"/*.jsonl 2>/dev/null | wc -l)" 1
dirsum "$D" >"$T/sum.after"
C systemctl cat vfc-demo.service >"$T/cat.after" 2>&1
CHECK_DIAG=$(diff "$T/sum.before" "$T/sum.after")
check "... the unit's drop-in directory is back byte for byte (names, modes, sha256)" cmp -s "$T/sum.before" "$T/sum.after"
CHECK_DIAG=$(diff "$T/cat.before" "$T/cat.after")
check "... systemctl cat is back byte for byte" cmp -s "$T/cat.before" "$T/cat.after"

# A unit that restricts nothing and had no drop-in directory.
C vfiocompat systemd enable vfc-plain >/dev/null 2>"$T/e"
rc=$?
check "enable vfc-plain (no device restriction): exit 0" rc_is "$rc" 0
check "... no DeviceAllow= (it would close an open device policy)" hasnt "$U/vfc-plain.service.d/90-vfiocompat.conf" DeviceAllow
C vfiocompat systemd disable vfc-plain >/dev/null 2>"$T/e"
C systemctl cat vfc-plain.service >"$T/catp.after" 2>&1
check "disable vfc-plain: the directory enable made is gone too" sh -c "! test -e '$U/vfc-plain.service.d'"
CHECK_DIAG=$(diff "$T/catp.before" "$T/catp.after")
check "... systemctl cat is back byte for byte" cmp -s "$T/catp.before" "$T/catp.after"
C vfiocompat systemd status >"$T/o" 2>&1
check "status: no unit has a trial drop-in any more" has "$T/o" '^no unit has a trial drop-in'
echo "# systemd-trial: $(($(date +%s) - t0))s from boot"
tap_end
