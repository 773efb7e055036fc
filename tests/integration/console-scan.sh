#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The VM console scan (tests/lib/console-scan) against lines in the 7.3
# kernel's exact formats: each problem line is found, a clean boot's lines
# (IOMMU enabled, the debugfs notice, kmemleak, fault injection's own
# messages) are not.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
S=$here/../lib/console-scan
T=$(mktemp -d "${TMPDIR:-/tmp}/vfc-console.XXXXXX")
trap 'rm -rf "$T"' EXIT
bad=(
	'[   12.345678] DMAR: [DMA Read NO_PASID] Request device [0000:00:03.0] fault addr 0x1000 [fault reason 0x06] PTE Read access is not set'
	'[   12.345678] DMAR: [DMA Write NO_PASID] Request device [0000:00:03.0] fault addr 0x2000 [fault reason 0x05] PTE Write access is not set'
	'[   12.345678] DMAR: [DMA Read PASID 0x1] Request device [0000:00:03.0] fault addr 0x1000 [fault reason 0x06] PTE Read access is not set'
	'[    3.000000] DMAR: [INTR-REMAP] Request device [0000:00:03.0] fault index 0x0 [fault reason 0x25] Present field in the IRTE entry is clear'
	'[   12.345000] DMAR: DRHD: handling fault status reg 2'
	'[    5.000000] vfio-pci 0000:00:03.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x0001 address=0x1000 flags=0x0000]'
	'[    5.000000] AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:00:03.0 domain=0x0001 address=0x1000 flags=0x0000]'
	'[    5.000000] virtio_iommu virtio0: page fault from EP 8 at 0x1000 [RW]'
	'[    5.000000] virtio_iommu virtio0: domain fault from EP 8'
	'[    5.000000] qemu-io[123]: segfault at 0 ip 0000555555555000 sp 00007ffc00000000 error 4 in qemu-io[1000,555555554000+2000]'
	'[    5.000000] traps: dpdk-testpmd[99] general protection fault ip:7f0000000000 sp:7ffc00000000 error:0 in libc.so.6'
	'[    5.000000] WARNING: possible circular locking dependency detected'
	'[    5.000000] WARNING: inconsistent lock state'
	'[    5.000000] BUG: sleeping function called from invalid context at mm/slub.c:1'
	'[    5.000000] WARNING: CPU: 0 PID: 1 at drivers/iommu/iommufd/main.c:1 iommufd_fops_open+0x1/0x2'
	'[    5.000000] BUG: unable to handle page fault for address: 0000000000000000'
	'[    5.000000] Kernel panic - not syncing: Attempted to kill init!'
	'[  200.000000] INFO: task qemu-system-x86:99 blocked for more than 120 seconds.'
	'[  200.000000] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:'
)
good=(
	'[    0.100000] DMAR: IOMMU enabled'
	'[    0.200000] DMAR: Intel(R) Virtualization Technology for Directed I/O'
	'[    0.200000] DMAR-IR: Enabled IRQ remapping in x2apic mode'
	'[    0.300000] AMD-Vi: Interrupt remapping enabled'
	'[    0.300000] virtio_iommu virtio0: input address: 64 bits'
	'[    0.400000] **  IOMMU DebugFS SUPPORT HAS BEEN ENABLED IN THIS KERNEL  **'
	'[    0.500000] kmemleak: Kernel memory leak detector initialized (mem pool available: 15000)'
	'[    9.000000] FAULT_INJECTION: forcing a failure.'
	'[    9.000000] vfio-pci 0000:00:03.0: enabling device (0000 -> 0003)'
)
found() { "$S" "$1" >/dev/null; }
for l in "${bad[@]}"; do
	printf '%s\n' "$l" >"$T/c"
	check "found: ${l:15:70}" found "$T/c"
done
printf '%s\n' "${good[@]}" >"$T/c"
CHECK_DIAG=$("$S" "$T/c")
check "a clean boot's ${#good[@]} lines: nothing found" sh -c "! '$S' '$T/c' >/dev/null"
printf '%s\n' "${good[@]}" "${bad[0]}" "${good[@]}" >"$T/c"
check "one fault among clean lines: found, with its line number" \
	test "$("$S" "$T/c")" = "$((${#good[@]} + 1)):${bad[0]}"
# Expected faults: excused inside a window for their device only.
win() { printf '%s\n' "[ 1.0] vfc: expected IOMMU faults begin $1 (test)" "${@:2}" "[ 9.0] vfc: expected IOMMU faults end $1"; }
win 0000:00:03.0 "${bad[0]}" "${bad[1]}" "${bad[4]}" "${bad[5]}" >"$T/c"
check "DMAR and AMD-Vi faults of the device inside its expected-faults window: excused" \
	sh -c "! '$S' '$T/c' >/dev/null 2>&1"
check "... and counted on stderr" test "$("$S" "$T/c" 2>&1 >/dev/null)" = \
	"# console: 4 IOMMU fault lines excused (inside an expected-faults window)"
win 0000:00:04.0 "${bad[0]}" >"$T/c"
check "a fault of another device inside the window: found" found "$T/c"
{ win 0000:00:03.0; printf '%s\n' "${bad[0]}"; } >"$T/c"
check "the device's fault after its window closed: found" found "$T/c"
win 0000:00:03.0 "${bad[9]}" "${bad[11]}" >"$T/c"
check "a segfault or lockdep report inside a window: found" test "$("$S" "$T/c" | wc -l)" = 2
win 0000:00:03.0 "${bad[7]}" >"$T/c"
check "a virtio-iommu fault (it names no device) while a window is open: excused" sh -c "! '$S' '$T/c' >/dev/null 2>&1"
tap_end
