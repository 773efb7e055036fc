# SPDX-License-Identifier: GPL-2.0-only
# Sourced by the vendor plans (getinfo, edu-dma, probes, audit), after
# tests/lib/tap.sh. A scalable-mode VT-d with first-stage tables only
# (VFC_VM_IOMMU=intel-flts: ecap FLTS set, SLTS clear) on a kernel before
# 6.13: its iommufd puts every paging domain on second-stage tables (6.12's
# intel_iommu_domain_alloc_user: "Do not use first stage for user domain
# translation"), so the attach at the first device open fails EINVAL and the
# kernel logs "No second level translation support on dmar0" (pasid.c);
# type1's domain takes the first stage and works. 6.13 picks the stage the
# hardware has. Measured on 6.12.118 (docs/vm-lab.md "Kernels"). No shim can
# help there: on such a VM the plans assert the refusal as an operator meets
# it, and that `vfiocompat check` fails the IOMMU, instead of their own cases.

# iommufd_refused: true on such a VM.
iommufd_refused() {
	local a b
	[ "${VFC_IOMMU:-intel}" = intel-flts ] || return 1
	IFS=. read -r a b _ <<<"$(uname -r)"
	[ "$a" -lt 6 ] || { [ "$a" -eq 6 ] && [ "$b" -lt 13 ]; }
}

# iommufd_refused_checks PLAN: type1 works, iommufd and the shim's redirect
# fail the device open with EINVAL, the kernel says why, check FAILs it; then
# the plan's TAP ends.
iommufd_refused_checks() {
	local p=$1 d GI=$B/helpers/getinfo
	d=$(mktemp -d)
	echo "# $p on $(uname -r) with $VFC_IOMMU: iommufd cannot attach (second-stage domains only before 6.13)"
	"$GI" "$VFC_EDU" >"$d/plain" 2>&1
	"$GI" --iommufd "$VFC_EDU" >"$d/ifd" 2>&1
	VFIOCOMPAT_LOG=$d/s.jsonl LD_PRELOAD=$B/libvfiocompat.so "$GI" "$VFC_EDU" >"$d/shim" 2>&1
	CHECK_DIAG=$(cat "$d/plain")
	check "$p: type1 attaches edu and answers GET_INFO after the device open" grep -q '^after argsz=120 ' "$d/plain"
	CHECK_DIAG=$(cat "$d/ifd")
	check "$p: iommufd (/dev/iommu, no shim) refuses the device open with EINVAL" grep -q 'GET_DEVICE_FD (errno 22' "$d/ifd"
	CHECK_DIAG=$(cat "$d/shim" "$d/s.jsonl" 2>&1)
	check "$p: a type1 program under the shim meets the same EINVAL at the device open" \
		grep -q 'GET_DEVICE_FD (errno 22' "$d/shim"
	CHECK_DIAG=$(dmesg 2>&1 | tail -20)
	check "$p: the kernel logged why (No second level translation support on dmar0)" \
		grep -q 'No second level translation support on dmar0' <<<"$(dmesg 2>&1)"
	"$B/vfiocompat" check >"$d/check" 2>&1
	CHECK_DIAG=$(cat "$d/check")
	check "$p: vfiocompat check fails the IOMMU, naming the first-stage-only VT-d and 6.13" \
		grep -Eq 'FAIL +IOMMU dmar0 +Intel VT-d, scalable mode, first-stage tables only \(ecap SLTS clear\)' "$d/check"
	rm -rf "$d"
	tap_end
	exit
}
