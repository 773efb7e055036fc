#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A real libvirtd (11.3) in the lab: a TCG q35 domain with the guest's e1000e
# as <hostdev managed='no'> runs plainly on type1, then trialled by
# `vfiocompat libvirt enable` on the module's node and on /dev/iommu, then
# plainly again after `disable`. The oracle is independent of the shim: what
# the QEMU process libvirt started holds (/proc/PID/fd), what QEMU's monitor
# shows, and the domain XML, qemu.conf and node ACLs diffed against copies
# taken before. The guest has no AppArmor and no cgroup controllers: those
# parts are unit-tested (tests/unit/test_libvirtconf.c) and documented.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
top=$(cd "$here/../../.." && pwd)
Q=$B/helpers/report-query
VFC=$B/vfiocompat
KO=$B/kernel/vfiocompat.ko
BDF=${VFC_E1000E:?e1000e not bound}
DOM=vfc-lv
T=$(mktemp -d)
. "$here/lib/libvirt-setup.sh"

check "libvirtd starts (state on tmpfs)" start_libvirtd
check "libvirtd is 11.x from bookworm-backports" sh -c "virsh -c qemu:///system version | grep -q 'libvirt 11\.'"

dom_xml >"$T/dom.xml"
CHECK_DIAG=$(V define "$T/dom.xml" 2>&1)
check "virsh define the domain with the e1000e ($BDF) as <hostdev managed='no'>" sh -c "virsh -q dominfo $DOM >/dev/null"
V dumpxml --inactive "$DOM" >"$T/orig.xml"
cp "$CONF" "$T/orig.conf"
getfacl -n /dev/iommu >"$T/orig.acl" 2>&1

# run NAME NODE: start the domain, record its state, QEMU's fds and PCI
# devices, then destroy it (QEMU exits on SIGTERM, so the shim's report is
# written at exit).
run() {
	local name=$1 node=$2 pid
	local l0 bad
	l0=$(cat /var/log/libvirt/qemu/$DOM.log 2>/dev/null | wc -l)
	V start "$DOM" >"$T/$name.start" 2>&1
	local rc=$?
	CHECK_DIAG=$(cat "$T/$name.start"; tail -n 20 /var/log/libvirt/qemu/$DOM.log 2>/dev/null)
	check "$name: virsh start" test "$rc" = 0
	check "$name: the domain is running" test "$(V domstate "$DOM")" = running
	pid=$(cat /run/libvirt/qemu/$DOM.pid 2>/dev/null)
	ls -l /proc/"$pid"/fd >"$T/$name.fds" 2>&1
	tr '\0' '\n' <"/proc/$pid/environ" >"$T/$name.env" 2>/dev/null
	stat -c %U "/proc/$pid" >"$T/$name.user" 2>&1
	# Until the firmware has placed the e1000e's BARs (QEMU maps them into the
	# container then): each run does the same before it is destroyed.
	for _ in $(seq 40); do
		V qemu-monitor-command --hmp "$DOM" 'info pci' >"$T/$name.pci" 2>&1
		grep -A3 'PCI device 8086:10d3' "$T/$name.pci" | grep -q 'BAR0: 32 bit memory at 0x[0-9a-f]*[0-9a-e] \[' && break
		sleep 0.5
	done
	# QEMU's own word, independent of the shim: a BAR mapping the kernel refused.
	bad=$(tail -n +$((l0 + 1)) /var/log/libvirt/qemu/$DOM.log | grep -c 'Bad address')
	if [ "$node" = /dev/vfio/vfio ]; then
		check "$name: QEMU's log names no refused DMA mapping (type1 maps the BARs)" test "$bad" = 0
	else
		check "$name: QEMU's log names the refused BAR mapping (Bad address: $bad)" test "$bad" -ge 1
	fi
	CHECK_DIAG=$(cat "$T/$name.pci")
	check "$name: QEMU's monitor shows the e1000e (8086:10d3)" grep -q 'PCI device 8086:10d3' "$T/$name.pci"
	CHECK_DIAG=$(cat "$T/$name.fds")
	check "$name: QEMU runs as libvirt-qemu" test "$(cat "$T/$name.user")" = libvirt-qemu
	check "$name: QEMU holds $node" grep -q " -> $node\$" "$T/$name.fds"
	if [ "$node" != /dev/vfio/vfio ]; then
		check "$name: QEMU holds no /dev/vfio/vfio" sh -c "! grep -q ' -> /dev/vfio/vfio\$' '$T/$name.fds'"
	fi
	check "$name: virsh destroy" V destroy "$DOM"
	check "$name: the domain is shut off" test "$(V domstate "$DOM")" = "shut off"
}

# reverted TAG LABEL: the XML, qemu.conf and /dev/iommu's ACL equal the originals.
reverted() {
	local f=$T/$1
	V dumpxml --inactive "$DOM" >"$f.xml"
	getfacl -n /dev/iommu >"$f.acl" 2>&1
	CHECK_DIAG=$(diff "$T/orig.xml" "$f.xml")
	check "$2: the domain XML equals the original" cmp -s "$T/orig.xml" "$f.xml"
	CHECK_DIAG=$(diff "$T/orig.conf" "$CONF")
	check "$2: qemu.conf equals the original" cmp -s "$T/orig.conf" "$CONF"
	CHECK_DIAG=$(diff "$T/orig.acl" "$f.acl")
	check "$2: /dev/iommu's ACL equals the original" cmp -s "$T/orig.acl" "$f.acl"
	check "$2: the wrapper is gone" test ! -e "$STATE/$DOM.emulator"
}

# trial NAME TARGET MEMLOCK: enable (dry run first), restart libvirtd, run,
# read the report, disable, restart, check everything is back.
trial() {
	local name=$1 node=$2 memlock=$3 r rc calls feats
	"$VFC" check --user libvirt-qemu >"$T/$name.check0" 2>&1
	CHECK_DIAG=$(cat "$T/$name.check0")
	check "$name: check --user before enable: $node not in libvirt's namespace (FAIL)" \
		grep -Eq "FAIL +libvirt namespace +$node is not in qemu.conf's cgroup_device_acl" "$T/$name.check0"
	if [ "$node" = /dev/iommu ]; then
		check "$name: check --user before enable: /dev/iommu not usable by libvirt-qemu (FAIL)" \
			grep -Eq "FAIL +/dev/iommu +not read-writable by libvirt-qemu" "$T/$name.check0"
	fi
	L enable "$DOM" --target "$node" --dry-run >"$T/$name.dry" 2>&1
	CHECK_DIAG=$(cat "$T/$name.dry")
	check "$name: enable --dry-run prints the changes" grep -q "would: domain XML: <emulator>/usr/bin/qemu-system-x86_64</emulator> -> $STATE/$DOM.emulator" "$T/$name.dry"
	reverted "$name-dry" "$name: after the dry run"
	L enable "$DOM" --target "$node" >"$T/$name.enable" 2>&1
	rc=$?
	CHECK_DIAG=$(cat "$T/$name.enable")
	check "$name: vfiocompat libvirt enable" test "$rc" = 0
	check "$name: enable printed the qemu.conf change and the restart" grep -q "restart libvirtd" "$T/$name.enable"
	check "$name: enable said AppArmor is not active here" grep -q "AppArmor: not active" "$T/$name.enable"
	check "$name: qemu.conf's cgroup_device_acl names $node" grep -q "^    \"$node\"" "$CONF"
	if [ "$node" = /dev/iommu ]; then
		check "$name: /dev/iommu grants libvirt-qemu rw by ACL" sh -c "getfacl -p /dev/iommu | grep -q '^user:libvirt-qemu:rw-'"
		check "$name: /dev/iommu keeps its mode 0660" test "$(stat -c %a /dev/iommu)" = 660
	fi
	"$VFC" check --user libvirt-qemu >"$T/$name.check1" 2>&1
	CHECK_DIAG=$(cat "$T/$name.check1")
	check "$name: check --user after enable: $node in libvirt's namespace (PASS)" \
		grep -Eq "PASS +libvirt namespace +$node is in qemu.conf's cgroup_device_acl" "$T/$name.check1"
	check "$name: check --user after enable: $node usable by libvirt-qemu (PASS)" \
		grep -Eq "PASS +$node +read-writable by libvirt-qemu" "$T/$name.check1"
	L status "$DOM" >"$T/$name.status" 2>&1
	CHECK_DIAG=$(cat "$T/$name.status")
	check "$name: status says trialled, qemu.conf allows the node" grep -q "qemu.conf: allows the node" "$T/$name.status"
	stop_libvirtd
	check "$name: libvirtd restarted (it reads qemu.conf at start)" start_libvirtd
	rm -f "$LOGS/$DOM"/*.jsonl
	run "$name" "$node"
	CHECK_DIAG=$(cat "$T/$name.env")
	check "$name: QEMU's environment has the shim preloaded" grep -q "^LD_PRELOAD=$B/libvfiocompat.so" "$T/$name.env"
	r=$(ls "$LOGS/$DOM"/vfiocompat-qemu-system-x86*.jsonl 2>/dev/null | head -1)
	CHECK_DIAG=$(ls -la "$LOGS" "$LOGS/$DOM/" 2>&1; tail -n 20 /var/log/libvirt/qemu/$DOM.log)
	check "$name: the shim wrote a report in $LOGS/$DOM" test -n "$r"
	# Each domain's reports: a directory of its own, named after the AppArmor profile
	# libvirt gives its QEMU (libvirt-UUID), which the rules written let only that
	# profile write; $LOGS/$DOM links to it (docs/libvirt.md).
	uuid=$(V domuuid "$DOM" | tr -d '[:space:]')
	check "$name: the report directory is the domain's own ($LOGS/libvirt-$uuid), $LOGS/$DOM links to it" \
		test "$(readlink "$LOGS/$DOM")" = "libvirt-$uuid" -a -n "$(ls "$LOGS/libvirt-$uuid"/*.jsonl 2>/dev/null)"
	check "$name: ... owned by libvirt-qemu, mode 0750, in a root-only $LOGS" \
		test "$(stat -c '%U %a' "$LOGS/libvirt-$uuid")/$(stat -c '%U %a' "$LOGS")" = "libvirt-qemu 750/root 755"
	r=${r:-$T/none}
	CHECK_DIAG=$(cat "$r" 2>/dev/null)
	check "$name: report: the container was redirected" test "$("$Q" "$r" open action node=container)" = redirected
	check "$name: report: a verdict was written at exit" test "$("$Q" "$r" summary verdict)" != MISSING
	check "$name: report: memlock counted per $memlock" test "$("$Q" "$r" summary memlock)" = "$memlock"
	calls=$("$Q" "$r" summary ioctls.IOMMU_MAP_DMA.calls)
	check "$name: report: guest RAM mapped through the container (MAP_DMA calls: $calls)" test "${calls/MISSING/0}" -gt 0
	"$VFC" report "$r" >"$T/$name.report" 2>&1
	rc=$?
	echo "# $name: report verdict $("$Q" "$r" summary verdict), memlock $("$Q" "$r" summary memlock), features $("$Q" "$r" summary features); vfiocompat report: $(grep '^verdict:' "$T/$name.report") (exit $rc)"
	CHECK_DIAG=$(cat "$T/$name.report")
	# Measured: a running guest's firmware enables the e1000e's BARs and QEMU
	# maps them into the container for peer-to-peer, which iommufd refuses
	# (EFAULT): the p2p_map blocker, so NOT READY, and dma_avail.
	feats=$("$Q" "$r" summary features)
	check "$name: report: the BAR mappings refused (p2p_map) and dma_avail, nothing else ($feats)" \
		grep -Eq '^\{"p2p_map":[1-9][0-9]*,"dma_avail":1\}$' <<<"$feats"
	check "$name: report: verdict not-ready" test "$("$Q" "$r" summary verdict)" = not-ready
	check "$name: vfiocompat report reads it: NOT READY for one process" \
		grep -q '^verdict: NOT READY (0 ready, 0 with differences, 0 untested, 0 incomplete, 1 not ready, 0 failed)$' "$T/$name.report"
	check "$name: vfiocompat report exits 1 (NOT READY)" test "$rc" = 1
	L disable "$DOM" >"$T/$name.disable" 2>&1
	rc=$?
	CHECK_DIAG=$(cat "$T/$name.disable")
	check "$name: vfiocompat libvirt disable" test "$rc" = 0
	check "$name: the report stays after disable" test -s "$r"
	reverted "$name-off" "$name: after disable"
	stop_libvirtd
	check "$name: libvirtd restarted after disable" start_libvirtd
	run "$name-plain" /dev/vfio/vfio
}

t0=$(date +%s)
run plain /dev/vfio/vfio
echo "# plain run: $(( $(date +%s) - t0 )) s"

CHECK_DIAG=$(ls -l "$KO" 2>&1)
loaded() { grep -q '^vfiocompat ' /proc/modules; }
ours=0
loaded || { insmod "$KO" && ours=1; }
if check "vfiocompat.ko loaded, /dev/vfio/iommufd-compat present" test -c /dev/vfio/iommufd-compat; then
	trial module /dev/vfio/iommufd-compat process
fi
# Without the module, check --user judges /dev/iommu too (as a host without it).
loaded && rmmod vfiocompat
trial iommufd /dev/iommu user
echo "# libvirt plan: $(( $(date +%s) - t0 )) s after libvirtd started"

V undefine "$DOM" >/dev/null 2>&1
stop_libvirtd
[ "$ours" = 1 ] || insmod "$KO" # as the plan found it
umount /etc/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt
rm -rf "$T" /run/etc-libvirt /run/vfiocompat
tap_end
