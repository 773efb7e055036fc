#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# One probe per type1 feature, on igb, four ways: plain type1 and plain
# /dev/iommu (the oracles, no shim), the shim in audit mode (must answer as
# plain type1) and redirected (must answer as plain /dev/iommu). Both oracles
# must give the exact values docs/vm-lab.md lists, on every IOMMU variant; the
# report must name the feature with the errno the kernel really returned.
# TYPE1_NESTING depends on the kernel: 6.12's type1 still offers it, 7.3's
# does not. The plan asks this kernel's type1 and expects what follows from
# the answer, and that VFIOCOMPAT_ERRNO=type1 follows it too.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
Q=$B/helpers/report-query
PROBE=$B/examples/vfio-feature-probe
SHIM=$B/libvfiocompat.so
BDF=${VFC_IGB:?igb not bound}
T=$(mktemp -d)
IOMMU=${VFC_IOMMU:-intel}
# FLTS-only VT-d before 6.13: iommufd cannot attach (tests/vm/iommufd-refused.sh).
. "$here/../iommufd-refused.sh"
iommufd_refused && iommufd_refused_checks probes
ans() { grep "^probe $1 " | sed 's/^probe [a-z_0-9]* //'; }
# "ret=R errno=E" -> R/E
re() { sed -n 's/^ret=\([-0-9]*\) errno=\([A-Z0-9]*\)$/\1\/\2/p' <<<"$1"; }

# This kernel's type1 and TYPE1_NESTING: CHECK_EXTENSION answers 1 while type1
# still offers it, and SET_IOMMU(TYPE1_NESTING) then fails the attach with
# EINVAL (no x86 IOMMU nests under type1); without it type1 says ENODEV.
K=$(uname -r)
nest=$(re "$("$PROBE" nesting_ext "$BDF" 2>&1 | ans nesting_ext)")
case $nest in
1/0) t1_nest_ext=1/0 t1_nest_set=-1/EINVAL ;;
*) t1_nest_ext=0/0 t1_nest_set=-1/ENODEV ;;
esac
# The two kernels measured (docs/vm-lab.md): a change there is news.
case $K in
6.12.*) want_nest=1/0 ;;
7.3.*) want_nest=0/0 ;;
*) want_nest=$t1_nest_ext ;;
esac
echo "# kernel $K: type1 CHECK_EXTENSION(TYPE1_NESTING) answers $nest"
check "type1 on $K answers CHECK_EXTENSION(TYPE1_NESTING) as measured for it ($want_nest)" \
	test "$nest" = "$want_nest"

# probe-name:report-feature-name:type1's answer:iommufd's answer (docs/vm-lab.md)
for row in vaddr_map:vaddr_map:0/0:-1/EINVAL vaddr_unmap:vaddr_unmap:0/0:-1/EINVAL \
	update_vaddr_ext:update_vaddr_extension:1/0:0/0 nesting_ext:nesting_extension:$t1_nest_ext:0/0 \
	nesting_set:nesting_set_iommu:$t1_nest_set:-1/EINVAL spapr:spapr:-1/ENOTTY:-1/ENOTTY \
	dirty_pages:dirty_pages:0/0:-1/ENOTTY dirty_bitmap_unmap:dirty_bitmap_unmap:0/0:-1/EINVAL \
	type1_v1:type1_v1:0/0:0/0 p2p_map:p2p_map:0/0:-1/EFAULT; do
	IFS=: read -r p feat want_t1 want_ifd <<<"$row"
	rm -f "$T"/*.jsonl
	t1=$("$PROBE" "$p" "$BDF" 2>&1 | ans "$p")
	ifd=$(VFIO_FEATURE_PROBE_CONTAINER=/dev/iommu "$PROBE" "$p" "$BDF" 2>&1 | ans "$p")
	audit=$(VFIOCOMPAT_MODE=audit VFIOCOMPAT_LOG=$T/a.jsonl LD_PRELOAD=$SHIM "$PROBE" "$p" "$BDF" 2>&1 | ans "$p")
	shim=$(VFIOCOMPAT_LOG=$T/s.jsonl LD_PRELOAD=$SHIM "$PROBE" "$p" "$BDF" 2>&1 | ans "$p")
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

# VFIOCOMPAT_ERRNO=type1 on this kernel: SET_IOMMU(TYPE1_NESTING) answers as
# this kernel's type1 (EINVAL on 6.12 is iommufd's own: nothing translated),
# and CHECK_EXTENSION(TYPE1_NESTING) stays iommufd's 0 (a 1 would promise
# nesting), its report naming type1's answer and whether that differs.
rm -f "$T"/*.jsonl
t1=$(re "$("$PROBE" nesting_set "$BDF" 2>&1 | ans nesting_set)")
e=$(re "$(VFIOCOMPAT_ERRNO=type1 VFIOCOMPAT_LOG=$T/n.jsonl LD_PRELOAD=$SHIM "$PROBE" nesting_set "$BDF" 2>&1 | ans nesting_set)")
CHECK_DIAG="type1 $t1, ERRNO=type1 $e; $(grep errno_translated "$T/n.jsonl")"
check "ERRNO=type1: SET_IOMMU(TYPE1_NESTING) answers as this kernel's type1 ($t1_nest_set)" \
	test "$e" = "$t1" -a "$e" = "$t1_nest_set"
n=$(grep -c '"type":"errno_translated"' "$T/n.jsonl")
want=1
[ "$t1_nest_set" = -1/EINVAL ] && want=0
check "ERRNO=type1: $want translation recorded for it (iommufd EINVAL, type1 $t1_nest_set)" test "$n" = "$want"
e=$(re "$(VFIOCOMPAT_ERRNO=type1 VFIOCOMPAT_LOG=$T/x.jsonl LD_PRELOAD=$SHIM "$PROBE" nesting_ext "$BDF" 2>&1 | ans nesting_ext)")
CHECK_DIAG=$(grep nesting_extension "$T/x.jsonl")
check "ERRNO=type1: CHECK_EXTENSION(TYPE1_NESTING) stays iommufd's 0/0" test "$e" = 0/0
check "ERRNO=type1: the nesting_extension record names type1's answer here (${t1_nest_ext%/*})" \
	test "$("$Q" "$T/x.jsonl" feature type1_ret "feature=nesting_extension")" = "${t1_nest_ext%/*}"
diff="the same"
[ "$t1_nest_ext" = 1/0 ] && diff=otherwise
check "ERRNO=type1: ... and says type1 answers $diff on this kernel" \
	grep -q "\"on_this_kernel\":\"type1 answers $diff" "$T/x.jsonl"
CHECK_DIAG=
rm -rf "$T"
tap_end
