#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The compat audit: every case of tests/helpers/audit on type1 and on iommufd
# (no shim), on the VM's IOMMU variant (VFC_IOMMU). The answers must equal the
# committed docs/compat-audit/VARIANT.{type1,iommufd}, and docs/compat-audit.md
# must be the table generated from those (regenerate both with
# `make audit-doc`), so the documented table stays true on every IOMMU.
# Per kernel: 7.3's answers are docs/compat-audit/VARIANT.*, 6.12's
# docs/compat-audit/6.12/VARIANT.* (VFC_VM_KERNEL=6.12).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
top=$(cd "$here/../../.." && pwd)
T=$(mktemp -d)
A=$B/helpers/audit
IOMMU=${VFC_IOMMU:-intel}
K=$(uname -r)
# FLTS-only VT-d before 6.13: iommufd cannot attach (tests/vm/iommufd-refused.sh).
. "$here/../iommufd-refused.sh"
if iommufd_refused; then
	# The compat table says why this cell has no answers.
	R=$top/docs/compat-audit/$(cut -d. -f1,2 <<<"$K")/$IOMMU.refused
	check "audit: ${R#"$top"/} names the refusal, and docs/compat-audit.md shows it" \
		bash -c 'test -s "$1" && grep -q "$2" "$3"' _ "$R" \
		"^Not measured: \`$IOMMU\` on ${K%%-*}, where iommufd refuses" "$top/docs/compat-audit.md"
	iommufd_refused_checks audit
fi
case $K in
7.3.*) D=$top/docs/compat-audit ;;
*) D=$top/docs/compat-audit/$(cut -d. -f1,2 <<<"$K") ;;
esac
# GICv2m (MSIs not isolated): the column is measured as the lab boots, each
# back end's own unsafe-interrupts switch on; without it no case gets past
# SET_IOMMU (type1) or the device open (iommufd), both EPERM: msi-isolation.
if [ "$IOMMU" = smmuv3-v2m ]; then
	sw=$(cat /sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts \
		/sys/module/iommufd/parameters/allow_unsafe_interrupts 2>&1 | tr -d '\n')
	check "GICv2m: measured with both allow_unsafe_interrupts switches on ($sw)" test "$sw" = YY
fi
"$A" /dev/vfio/vfio "$VFC_EDU" >"$T/type1" 2>"$T/type1.err"
r1=$?
"$A" /dev/iommu "$VFC_EDU" >"$T/iommufd" 2>"$T/iommufd.err"
r2=$?
CHECK_DIAG=$(cat "$T/type1.err")
check "audit ran to the end on type1 ($(wc -l <"$T/type1") cases)" test "$r1" = 0
CHECK_DIAG=$(cat "$T/iommufd.err")
check "audit ran to the end on iommufd ($(wc -l <"$T/iommufd") cases)" test "$r2" = 0
check "both back ends answered the same cases" test "$(cut -f1 "$T/type1")" = "$(cut -f1 "$T/iommufd")"
if [ -n "${VFC_RESULTS:-}" ]; then
	mkdir -p "$VFC_RESULTS/compat-audit"
	cp "$T/type1" "$VFC_RESULTS/compat-audit/$IOMMU.type1"
	cp "$T/iommufd" "$VFC_RESULTS/compat-audit/$IOMMU.iommufd"
	echo "${K%%-*}" >"$VFC_RESULTS/compat-audit/release"
fi
paste "$T/type1" "$T/iommufd" | awk -F'\t' '$2 != $4' | wc -l | sed "s/^/# $IOMMU: cases that differ: /"
for b in type1 iommufd; do
	CHECK_DIAG="$(diff -u "$D/$IOMMU.$b" "$T/$b" 2>&1 | head -40)
(regenerate with: make audit-doc)"
	check "$IOMMU: kernel $K's $b answers match ${D#"$top"/}/$IOMMU.$b" cmp -s "$D/$IOMMU.$b" "$T/$b"
done
"$here/../audit-table" "$top/docs/compat-audit" >"$T/compat-audit.md"
CHECK_DIAG="$(diff -u "$top/docs/compat-audit.md" "$T/compat-audit.md" | head -40)
(regenerate with: make audit-doc)"
check "docs/compat-audit.md is the table generated from docs/compat-audit/" cmp -s "$top/docs/compat-audit.md" "$T/compat-audit.md"
# VFIOCOMPAT_ERRNO=type1: the translated rows must now read as type1's, and
# no row that already agreed may change.
VFIOCOMPAT_ERRNO=type1 VFIOCOMPAT_LOG=$T/e.jsonl LD_PRELOAD=$B/libvfiocompat.so \
	"$A" /dev/vfio/vfio "$VFC_EDU" >"$T/shim" 2>"$T/shim.err"
r3=$?
CHECK_DIAG=$(cat "$T/shim.err")
check "audit ran to the end under the shim with VFIOCOMPAT_ERRNO=type1" test "$r3" = 0 -a -s "$T/shim"
row() { awk -F'\t' -v c="$1" '$1 == c {print $2}' "$2"; }
# Where this kernel's type1 and iommufd differ, the translated answer is
# type1's; where they agree here (SET_IOMMU(TYPE1_NESTING) on 6.12: EINVAL
# both), it is left alone. The rows come from this run, not from a table.
ndiff=0
for c in "UNMAP_DMA 4K inside a 2M mapping (TYPE1v2)" "UNMAP_DMA unaligned" "SET_IOMMU(0)" \
	"SET_IOMMU(TYPE1_NESTING)" "SET_IOMMU(SPAPR_TCE_v2)" "SET_IOMMU(TYPE1v2), no group" \
	"MAP_DMA, no group" "GET_INFO, no group" "CHECK_EXTENSION(4), no group"; do
	t1=$(row "$c" "$T/type1") fd=$(row "$c" "$T/iommufd") sh=$(row "$c" "$T/shim")
	CHECK_DIAG="type1: $t1; iommufd: $fd; shim: $sh"
	if [ "$t1" != "$fd" ]; then
		ndiff=$((ndiff + 1))
		check "ERRNO=type1: '$c' answers as type1 ($t1)" test -n "$t1" -a "$sh" = "$t1"
	else
		check "ERRNO=type1: '$c' agrees on $K ($t1) and is left alone" test -n "$t1" -a "$sh" = "$t1"
	fi
done
changed=$(paste "$T/type1" "$T/iommufd" "$T/shim" | awk -F'\t' '$2 == $4 && $4 != $6 {print $1}')
CHECK_DIAG=$changed
check "ERRNO=type1 changes no answer that already agreed with type1" test -z "$changed"
fixed=$(paste "$T/type1" "$T/iommufd" "$T/shim" | awk -F'\t' '$2 != $4 && $2 == $6' | wc -l)
echo "# with VFIOCOMPAT_ERRNO=type1, $fixed of the differing cases answer as type1"
CHECK_DIAG=
check "each translation is in the report ($ndiff rows differ on $K)" \
	test "$(grep -c '"type":"errno_translated"' "$T/e.jsonl")" -ge "$ndiff" -a "$ndiff" -ge 8
rm -rf "$T"
tap_end
