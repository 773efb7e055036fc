#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# One probe per type1 feature, on igb, four ways: plain type1 and plain
# /dev/iommu (the oracles, no shim), the shim in audit mode (must answer as
# plain type1) and redirected (must answer as plain /dev/iommu). Both oracles
# must give the exact values docs/vm-lab.md lists, on every IOMMU variant; the
# report must name the feature with the errno the kernel really returned.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
Q=$B/helpers/report-query
PROBE=$B/examples/vfio-feature-probe
SHIM=$B/libvfiocompat.so
BDF=${VFC_IGB:?igb not bound}
T=$(mktemp -d)
IOMMU=${VFC_IOMMU:-intel}
ans() { grep "^probe $1 " | sed 's/^probe [a-z_0-9]* //'; }

# probe-name:report-feature-name:type1's answer:iommufd's answer (docs/vm-lab.md)
for row in vaddr_map:vaddr_map:0/0:-1/EINVAL vaddr_unmap:vaddr_unmap:0/0:-1/EINVAL \
	update_vaddr_ext:update_vaddr_extension:1/0:0/0 nesting_ext:nesting_extension:0/0:0/0 \
	nesting_set:nesting_set_iommu:-1/ENODEV:-1/EINVAL spapr:spapr:-1/ENOTTY:-1/ENOTTY \
	dirty_pages:dirty_pages:0/0:-1/ENOTTY dirty_bitmap_unmap:dirty_bitmap_unmap:0/0:-1/EINVAL \
	type1_v1:type1_v1:0/0:0/0 p2p_map:p2p_map:0/0:-1/EFAULT; do
	IFS=: read -r p feat want_t1 want_ifd <<<"$row"
	rm -f "$T"/*.jsonl
	t1=$("$PROBE" "$p" "$BDF" 2>&1 | ans "$p")
	ifd=$(VFIO_FEATURE_PROBE_CONTAINER=/dev/iommu "$PROBE" "$p" "$BDF" 2>&1 | ans "$p")
	audit=$(VFIOCOMPAT_MODE=audit VFIOCOMPAT_LOG=$T/a.jsonl LD_PRELOAD=$SHIM "$PROBE" "$p" "$BDF" 2>&1 | ans "$p")
	shim=$(VFIOCOMPAT_LOG=$T/s.jsonl LD_PRELOAD=$SHIM "$PROBE" "$p" "$BDF" 2>&1 | ans "$p")
	# "ret=R errno=E" -> R/E
	re() { sed -n 's/^ret=\([-0-9]*\) errno=\([A-Z0-9]*\)$/\1\/\2/p' <<<"$1"; }
	echo "# $IOMMU $feat: type1 $t1 | /dev/iommu $ifd | audit $audit | shim $shim"
	CHECK_DIAG="type1: $t1; /dev/iommu: $ifd"
	check "$feat: plain type1 answers $want_t1 ($IOMMU)" test "$(re "$t1")" = "$want_t1"
	check "$feat: plain /dev/iommu answers $want_ifd ($IOMMU)" test "$(re "$ifd")" = "$want_ifd"
	CHECK_DIAG="audit: $audit; shim: $shim"
	check "$feat: audit mode answers as plain type1" test -n "$audit" -a "$audit" = "$t1"
	check "$feat: redirected answers as plain /dev/iommu" test -n "$shim" -a "$shim" = "$ifd"
	s_ret=${want_ifd%/*} s_err=${want_ifd#*/}
	r_err=$("$Q" "$T/s.jsonl" feature errno "feature=$feat")
	r_ret=$("$Q" "$T/s.jsonl" feature ret "feature=$feat")
	CHECK_DIAG="report: ret=$r_ret errno=$r_err"
	check "$feat: redirected report names it with iommufd's answer ($want_ifd)" test "$r_ret/$r_err" = "$s_ret/$s_err"
	check "$feat: redirected report says backend iommufd" test "$("$Q" "$T/s.jsonl" feature backend "feature=$feat")" = iommufd
	a_err=$("$Q" "$T/a.jsonl" feature errno "feature=$feat")
	CHECK_DIAG="audit report errno=$a_err"
	check "$feat: audit report names it with type1's answer (${want_t1#*/}) and a prediction" \
		test "$a_err" = "${want_t1#*/}" -a "$("$Q" "$T/a.jsonl" feature backend "feature=$feat")" = type1
	CHECK_DIAG=
done
rm -rf "$T"
tap_end
