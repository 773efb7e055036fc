#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# One probe per type1 feature, on igb: in audit mode (type1's answer, with
# the prediction; host-integration shows audit behaves exactly as plain) and
# redirected (iommufd's answer). The report must name the feature with the
# errno the kernel really returned, beside type1's.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
Q=$here/../../integration/report-query
PROBE=$B/examples/vfio-feature-probe
SHIM=$B/libvfiocompat.so
BDF=${VFC_IGB:?igb not bound}
T=$(mktemp -d)

# probe-name:report-feature-name
for pair in vaddr_map:vaddr_map vaddr_unmap:vaddr_unmap update_vaddr_ext:update_vaddr_extension \
	nesting_ext:nesting_extension nesting_set:nesting_set_iommu spapr:spapr \
	dirty_pages:dirty_pages dirty_bitmap_unmap:dirty_bitmap_unmap type1_v1:type1_v1 \
	p2p_map:p2p_map; do
	p=${pair%%:*} feat=${pair#*:}
	rm -f "$T"/*.jsonl
	plain=$(VFIOCOMPAT_MODE=audit VFIOCOMPAT_LOG=$T/a.jsonl LD_PRELOAD=$SHIM "$PROBE" "$p" "$BDF" 2>&1 | grep "^probe $p")
	shim=$(VFIOCOMPAT_LOG=$T/s.jsonl LD_PRELOAD=$SHIM "$PROBE" "$p" "$BDF" 2>&1 | grep "^probe $p")
	p_err=${plain##*errno=} s_err=${shim##*errno=}
	p_ret=$(echo "$plain" | sed -n 's/.*ret=\([-0-9]*\).*/\1/p')
	s_ret=$(echo "$shim" | sed -n 's/.*ret=\([-0-9]*\).*/\1/p')
	echo "# $feat: type1 ret=$p_ret errno=$p_err | iommufd ret=$s_ret errno=$s_err"
	check "$feat: probe ran on type1 (audit) and on iommufd (redirect)" test -n "$plain" -a -n "$shim"
	r_err=$("$Q" "$T/s.jsonl" feature errno "feature=$feat")
	r_ret=$("$Q" "$T/s.jsonl" feature ret "feature=$feat")
	CHECK_DIAG="report: ret=$r_ret errno=$r_err; probe: ret=$s_ret errno=$s_err"
	check "$feat: redirected report names it with iommufd's answer ($s_err)" test "$r_err/$r_ret" = "$s_err/$s_ret"
	check "$feat: redirected report says backend iommufd" test "$("$Q" "$T/s.jsonl" feature backend "feature=$feat")" = iommufd
	a_err=$("$Q" "$T/a.jsonl" feature errno "feature=$feat")
	CHECK_DIAG="audit report errno=$a_err; plain errno=$p_err"
	check "$feat: audit report names it with type1's answer ($p_err) and a prediction" \
		test "$a_err" = "$p_err" -a "$("$Q" "$T/a.jsonl" feature backend "feature=$feat")" = type1
	CHECK_DIAG=
done
rm -rf "$T"
tap_end
