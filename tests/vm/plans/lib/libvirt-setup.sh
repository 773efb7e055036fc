# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Sourced by the libvirt plans (libvirt.sh, native-libvirt.sh): a real
# libvirtd in the lab guest, set up once. libvirt's state on tmpfs,
# /etc/libvirt a writable copy (the 9p root is read-only), no virtlogd (QEMU's
# stdio goes to a file). Needs B, DOM and BDF (the hostdev's address) set;
# gives V (virsh), L (vfiocompat libvirt with the plan's log and state
# directories), start_libvirtd, stop_libvirtd and dom_xml.
LOGS=/run/vfiocompat/log
STATE=/run/vfiocompat/state
CONF=/etc/libvirt/qemu.conf
export LIBVIRT_DEFAULT_URI=qemu:///system
V() { timeout 60 virsh -q "$@"; }
L() { timeout 60 "$B/vfiocompat" libvirt "$@" --log-dir "$LOGS" --state-dir "$STATE"; }

for d in /var/lib/libvirt /var/cache/libvirt /var/log/libvirt; do mount -t tmpfs tmpfs "$d"; done
mkdir -p /run/etc-libvirt /run/libvirt /var/log/libvirt/qemu
cp -a /etc/libvirt/. /run/etc-libvirt/
mount --bind /run/etc-libvirt /etc/libvirt
echo 'stdio_handler = "file"' >>"$CONF"

start_libvirtd() {
	libvirtd -d -p /run/libvirtd.pid
	for _ in $(seq 100); do V version >/dev/null 2>&1 && return 0; sleep 0.2; done
	return 1
}
# stop_libvirtd: the daemon this plan started, by the pid it wrote.
stop_libvirtd() {
	local pid
	pid=$(cat /run/libvirtd.pid 2>/dev/null) || return 0
	kill "$pid"
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
	kill -9 "$pid"
}

# dom_xml [EXTRA]: the TCG q35 domain with BDF as <hostdev managed='no'>,
# EXTRA (e.g. <iommufd enabled='yes'/>) at the top level.
dom_xml() {
	local pd pb ps pf
	IFS=':.' read -r pd pb ps pf <<<"$BDF"
	cat <<EOX
<domain type='qemu'>
  <name>$DOM</name>
  <memory unit='MiB'>96</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  ${1:-}
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
    <hostdev mode='subsystem' type='pci' managed='no'>
      <source><address domain='0x$pd' bus='0x$pb' slot='0x$ps' function='0x$pf'/></source>
    </hostdev>
  </devices>
</domain>
EOX
}
