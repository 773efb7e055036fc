#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# MSI isolation on Arm SMMUv3 (VFC_VM_ARCH=arm64): what each back end does
# with both allow_unsafe_interrupts parameters off. With the GICv3 ITS
# (VFC_IOMMU=smmuv3) MSIs are isolated and both attach. With GICv2m
# (smmuv3-v2m) they are not: type1 refuses SET_IOMMU with EPERM and logs why;
# iommufd takes SET_IOMMU and refuses the device open with EPERM, logging
# nothing; under the shim a type1 program therefore fails one step later than
# on type1. Each back end has its own parameter, and each one lets only its
# own back end through. The parameters are restored at the end (the boot set
# both on smmuv3-v2m for the other plans).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
GI=$B/helpers/getinfo
SHIM=$B/libvfiocompat.so
BDF=${VFC_EDU:?edu not bound}
IOMMU=${VFC_IOMMU:-smmuv3}
T=$(mktemp -d)
P1=/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts
P2=/sys/module/iommufd/parameters/allow_unsafe_interrupts
check "both allow_unsafe_interrupts parameters are writable" test -w "$P1" -a -w "$P2"
old1=$(cat "$P1") old2=$(cat "$P2")
echo "# $IOMMU: booted with type1 $old1, iommufd $old2"
# setp TYPE1 IOMMUFD: set both parameters (Y/N)
setp() { echo "$1" >"$P1"; echo "$2" >"$P2"; }
# run NAME ARGS...: getinfo's exit status and its message, the kernel's new lines
run() {
	local n=$1
	shift
	dmesg -c >/dev/null 2>&1
	"$@" >"$T/$n" 2>&1
	echo $? >"$T/$n.rc"
	dmesg >"$T/$n.log" 2>&1
	echo "# $n: rc $(cat "$T/$n.rc"): $(tail -n1 "$T/$n" | tr '\n' ' ') kernel: $(tr '\n' ' ' <"$T/$n.log")"
}
setp N N
run type1 "$GI" "$BDF"
run iommufd "$GI" --iommufd "$BDF"
run shim env VFIOCOMPAT_LOG="$T/s.jsonl" LD_PRELOAD="$SHIM" "$GI" "$BDF"
case $IOMMU in
smmuv3)
	for n in type1 iommufd shim; do
		CHECK_DIAG=$(cat "$T/$n")
		check "ITS, parameters off: $n attaches and opens the device" test "$(cat "$T/$n.rc")" = 0
	done
	;;
smmuv3-v2m)
	CHECK_DIAG=$(cat "$T/type1" "$T/type1.log")
	check "GICv2m, parameters off: type1 refuses SET_IOMMU with EPERM" \
		grep -q 'SET_IOMMU (errno 1:' "$T/type1"
	check "... and logs why (No interrupt remapping support)" grep -q 'No interrupt remapping support' "$T/type1.log"
	CHECK_DIAG=$(cat "$T/iommufd" "$T/iommufd.log")
	check "GICv2m, parameters off: iommufd takes SET_IOMMU, refuses the device open with EPERM" \
		grep -q 'GET_DEVICE_FD (errno 1:' "$T/iommufd"
	check "... and logs nothing" test ! -s "$T/iommufd.log"
	CHECK_DIAG=$(cat "$T/shim")
	check "GICv2m, parameters off: under the shim type1's program fails at the device open (EPERM), not SET_IOMMU" \
		grep -q 'GET_DEVICE_FD (errno 1:' "$T/shim"
	# Each parameter lets its own back end through, and only it.
	setp Y N
	run type1-p1 "$GI" "$BDF"
	run iommufd-p1 "$GI" --iommufd "$BDF"
	check "vfio_iommu_type1.allow_unsafe_interrupts=1 alone: type1 works" test "$(cat "$T/type1-p1.rc")" = 0
	CHECK_DIAG=$(cat "$T/iommufd-p1")
	check "... and iommufd still refuses the device open (EPERM)" grep -q 'GET_DEVICE_FD (errno 1:' "$T/iommufd-p1"
	setp N Y
	run type1-p2 "$GI" "$BDF"
	run iommufd-p2 "$GI" --iommufd "$BDF"
	run shim-p2 env VFIOCOMPAT_LOG="$T/s2.jsonl" LD_PRELOAD="$SHIM" "$GI" "$BDF"
	CHECK_DIAG=$(cat "$T/type1-p2")
	check "iommufd.allow_unsafe_interrupts=1 alone: type1 still refuses SET_IOMMU (EPERM)" \
		grep -q 'SET_IOMMU (errno 1:' "$T/type1-p2"
	CHECK_DIAG=$(cat "$T/iommufd-p2" "$T/iommufd-p2.log")
	check "... iommufd works" test "$(cat "$T/iommufd-p2.rc")" = 0
	check "... and warns that MSIs are not secure" grep -q 'MSI interrupts are not secure' "$T/iommufd-p2.log"
	check "... and the shim's type1 program works (its parameter is iommufd's)" test "$(cat "$T/shim-p2.rc")" = 0
	;;
*) tap_skip "MSI isolation" "not an SMMUv3 variant ($IOMMU)" ;;
esac
setp "$old1" "$old2"
# vfiocompat check on this host, printed for the record.
"$B/vfiocompat" check >"$T/check" 2>&1
sed 's/^/# check: /' "$T/check" | grep -iE 'smmu|msi|unsafe|interrupt' | head -20
rm -rf "$T"
tap_end
