#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# libvirt 12.9 (Debian trixie-backports, the guest root VFC_VM_ROOT=trixie)
# runs one domain with the guest's e1000e as <hostdev managed='no'> four
# ways: plain type1; trialled on the compat layer by `vfiocompat libvirt
# enable` (the shim); libvirt's own iommufd back end by `vfiocompat libvirt
# enable --native` (<driver iommufd='yes'/>); and with the domain-wide
# <iommufd enabled='yes'/>. Per run: QEMU's fds, VmLck/VmPin, QEMU's own
# error lines once the firmware placed the BARs. The oracle: the native
# prediction of the compat trial's report (vfiocompat report --json) equals
# both native runs; disable gives back the domain XML byte for byte.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
VFC=$B/vfiocompat
BDF=${VFC_E1000E:?e1000e not bound}
DOM=vfc-nat
T=$(mktemp -d)
OUTD=${VFC_RESULTS:-$T}/native-libvirt
mkdir -p "$OUTD"
. "$here/lib/libvirt-setup.sh"
check "libvirtd starts (the trixie root)" start_libvirtd
lv=$(virsh version 2>/dev/null | sed -n 's/^Using library: libvirt //p')
check "libvirt is 12.x from trixie-backports ($lv)" test "${lv%%.*}" = 12
echo "# $(virsh version 2>/dev/null | tr '\n' ' ')"

dom_xml "" >"$T/dom.xml"
CHECK_DIAG=$(V define "$T/dom.xml" 2>&1)
check "virsh define the domain ($BDF as <hostdev managed='no'>)" sh -c "virsh -q dominfo $DOM >/dev/null"
V dumpxml --inactive "$DOM" >"$T/orig.xml"

# QEMU's own error lines, as tests/vm/plans/native.sh takes them (libvirt's
# own lines in the log are not QEMU's).
errlines() {
	grep 'qemu-system-x86_64: ' "$1" 2>/dev/null | grep -E 'failed|[Ee]rror' | grep -v 'terminating on signal' |
		sed -E 's/^.*qemu-system-x86_64: //; s/^(warning|error): //; s/-device vfio-pci,[^:]*: //' |
		sort -u | paste -sd'|' - | sed 's/|/ | /g'
}
res() { sed -n "s/^$2=//p" "$T/$1.res" 2>/dev/null | head -1; }
# run NAME: start, wait for the firmware to place the e1000e's BARs, record,
# destroy. NAME.res: started, fds, VmLck, VmPin, locked, errors.
run() {
	local name=$1 pid l0 rc l p acct="" st=no
	l0=$({ wc -l </var/log/libvirt/qemu/$DOM.log; } 2>/dev/null || echo 0)
	V start "$DOM" >"$T/$name.start" 2>&1
	rc=$?
	[ "$rc" = 0 ] && st=yes
	pid=$(cat /run/libvirt/qemu/$DOM.pid 2>/dev/null)
	for _ in $(seq 60); do
		V qemu-monitor-command --hmp "$DOM" 'info pci' >"$T/$name.pci" 2>&1
		grep -A3 'PCI device 8086:10d3' "$T/$name.pci" | grep -q 'BAR0: 32 bit memory at 0x[0-9a-f]*[0-9a-e] \[' && break
		sleep 0.5
	done
	sleep 1.5
	tail -n +$((l0 + 1)) /var/log/libvirt/qemu/$DOM.log >"$T/$name.log" 2>/dev/null
	{
		echo "started=$st"
		echo "fds=$(ls -l /proc/"$pid"/fd 2>/dev/null | sed -n 's/.* -> //p' |
			sed -E 's|^/dev/vfio/devices/vfio[0-9]+$|/dev/vfio/devices/vfioN|; s|^/dev/vfio/[0-9]+$|/dev/vfio/GROUP|' |
			grep -E '^/dev/(iommu|vfio)' | sort -u | paste -sd, -)"
		l=$(sed -n 's/^VmLck:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/"$pid"/status 2>/dev/null)
		p=$(sed -n 's/^VmPin:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/"$pid"/status 2>/dev/null)
		echo "VmLck=$l"
		echo "VmPin=$p"
		[ "${l:-0}" -gt 0 ] && acct=VmLck
		[ "${p:-0}" -gt 0 ] && acct=${acct:+$acct+}VmPin
		echo "locked=${acct:-none}"
		echo "errors=$(errlines "$T/$name.log")"
	} >"$T/$name.res"
	echo "# $name: $(tr '\n' ' ' <"$T/$name.res")"
	[ -n "${WHILE_RUNNING:-}" ] && eval "$WHILE_RUNNING"
	V destroy "$DOM" >/dev/null 2>&1
}

t0=$(date +%s)
run type1
CHECK_DIAG=$(cat "$T/type1.res" "$T/type1.start" "$T/type1.log")
check "type1: the domain starts, QEMU holds the container, RAM as VmLck" \
	test "$(res type1 started)/$(res type1 fds)/$(res type1 locked)" = "yes//dev/vfio/GROUP,/dev/vfio/vfio/VmLck"

# The trial on the compat layer (the shim, built on Debian 12, in libvirt 12.9's QEMU).
L enable "$DOM" --target /dev/iommu >"$T/enable.out" 2>&1
CHECK_DIAG=$(cat "$T/enable.out")
check "compat: vfiocompat libvirt enable --target /dev/iommu" grep -q "enabled domain '$DOM'" "$T/enable.out"
stop_libvirtd && start_libvirtd
run compat
r=$(ls "$LOGS/$DOM"/*.jsonl 2>/dev/null | head -1)
CHECK_DIAG=$(cat "$T/compat.res" "$T/compat.log"; ls -la "$LOGS/$DOM/" 2>&1)
check "compat: the domain starts under the shim and writes a report" test "$(res compat started)" = yes -a -n "$r"
"$VFC" report --json "${r:-/nonexistent}" >"$T/compat.report" 2>&1
"$VFC" report "${r:-/nonexistent}" >"$T/compat.human" 2>&1
cp "${r:-/dev/null}" "$OUTD/compat.jsonl" 2>/dev/null
L disable "$DOM" >"$T/disable.out" 2>&1
V dumpxml --inactive "$DOM" >"$T/after-compat.xml"
CHECK_DIAG=$(diff "$T/orig.xml" "$T/after-compat.xml")
check "compat: disable gives back the domain XML" cmp -s "$T/orig.xml" "$T/after-compat.xml"
stop_libvirtd && start_libvirtd
pred() {
	python3 - "$T/compat.report" "$1" <<'PY' 2>/dev/null || echo MISSING
import json, sys
p = [p for p in json.load(open(sys.argv[1]))["processes"] if p.get("merged", True)][0]
n = dict(p["native"], compat=p["verdict"])
v = n.get(sys.argv[2], "MISSING")
print(("yes" if v else "no") if isinstance(v, bool) else " | ".join(sorted(set(v))) if isinstance(v, list) else v)
PY
}
for f in available verdict starts errors locked memlock compat; do echo "pred_$f=$(pred "$f")"; done >"$T/pred.res"
p() { res pred "pred_$1"; }
echo "# compat trial's native prediction: $(tr '\n' ' ' <"$T/pred.res")"

# libvirt's own back end, per hostdev, by vfiocompat libvirt enable --native.
L enable "$DOM" --native >"$T/native-enable.out" 2>&1
rc=$?
CHECK_DIAG=$(cat "$T/native-enable.out"; V dumpxml --inactive "$DOM")
check "enable --native: <driver iommufd='yes'/> set through the API" \
	test "$rc" = 0 -a -n "$(V dumpxml --inactive "$DOM" | grep "<driver iommufd='yes'/>")"
WHILE_RUNNING='L status "$DOM" >"$T/native-status.out" 2>&1' run native-driver
CHECK_DIAG=$(cat "$T/native-status.out")
check "status --native: QEMU holds /dev/iommu, RAM pinned, the refused BAR maps counted" \
	grep -Eq '^  QEMU pid [0-9]+: /dev/iommu held, device cdevs 1, /dev/vfio/vfio not held$' "$T/native-status.out"
L disable "$DOM" >"$T/native-disable.out" 2>&1
rc=$?
V dumpxml --inactive "$DOM" >"$T/after-native.xml"
CHECK_DIAG=$(cat "$T/native-disable.out"; diff "$T/orig.xml" "$T/after-native.xml")
check "disable (native): the domain XML is the original, byte for byte" test "$rc" = 0 -a -z "$(cmp "$T/orig.xml" "$T/after-native.xml" 2>&1)"

# The domain-wide element (libvirt >= 12.2).
uuid=$(V domuuid "$DOM" | tr -d '[:space:]')
dom_xml "<uuid>$uuid</uuid><iommufd enabled='yes'/>" >"$T/dom-wide.xml"
CHECK_DIAG=$(V define "$T/dom-wide.xml" 2>&1)
check "the domain with <iommufd enabled='yes'/> defines" sh -c "virsh -q dumpxml --inactive $DOM | grep -q \"<iommufd enabled='yes'/>\""
run native-domain
V define "$T/orig.xml" >/dev/null 2>&1

for n in native-driver native-domain; do
	CHECK_DIAG="predicted: $(cat "$T/pred.res"); $n: $(cat "$T/$n.res" "$T/$n.start" "$T/$n.log")"
	check "$n: QEMU holds /dev/iommu and the cdev, no container" test "$(res $n fds)" = "/dev/iommu,/dev/vfio/devices/vfioN"
	check "$n oracle: starts as predicted ($(p starts))" test "$(p starts)" = "$(res $n started)"
	check "$n oracle: QEMU's error lines as predicted ([$(p errors)])" test "$(p errors)" = "$(res $n errors)"
	check "$n oracle: pinned memory shows as predicted ($(p locked))" test "$(p locked)" = "$(res $n locked)"
done
{
	echo "| libvirt $lv, e1000e | type1: $(res type1 started), [$(res type1 errors)], $(res type1 locked) | compat: $(res compat started), [$(res compat errors)], $(res compat locked); $(p compat) | predicted native: $(p verdict): $(p starts), [$(p errors)], $(p locked) | driver iommufd: $(res native-driver started), [$(res native-driver errors)], $(res native-driver locked) | <iommufd>: $(res native-domain started), [$(res native-domain errors)], $(res native-domain locked) |"
} >"$T/table.md"
sed 's/^/# /' "$T/table.md"
echo "# native-libvirt plan: $(( $(date +%s) - t0 )) s after libvirtd started"
cp "$T"/*.res "$T"/*.log "$T"/*.out "$T"/*.report "$T"/*.human "$T"/*.xml "$T/table.md" "$OUTD/" 2>/dev/null
V undefine "$DOM" >/dev/null 2>&1
stop_libvirtd
umount /etc/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt
rm -rf "$T" /run/etc-libvirt /run/vfiocompat
tap_end
