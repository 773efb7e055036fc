#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Real DMA with QEMU's edu device through the container: plainly (type1) and
# under the shim (iommufd), where the process must hold /dev/iommu only.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
Q=$B/helpers/report-query
EDU=$B/examples/vfio-dma-edu
SHIM=$B/libvfiocompat.so
BDF=${VFC_EDU:?edu not bound}
T=$(mktemp -d)
# FLTS-only VT-d before 6.13: iommufd cannot attach (tests/vm/iommufd-refused.sh).
. "$here/../iommufd-refused.sh"
if iommufd_refused; then
	out=$(tmo 300 "$EDU" "$BDF" 2>&1); rc=$?
	CHECK_DIAG=$out
	check "edu DMA round trip, plain type1 (first-stage tables)" test "$rc" = 0
	iommufd_refused_checks edu-dma
fi

# ioctls FILE REQUEST: how many times strace saw the raw ioctl REQUEST.
ioctls() { grep -Ec "^[0-9]+ +ioctl\((0x)?[0-9a-f]+, $2," "$1"; }
for v in "" --v1; do
	name="type1${v:+ v1}"
	# The plain run under strace is the oracle for the shim's counters: the
	# example's own MAP_DMA (0x3b71) and UNMAP_DMA (0x3b72) calls, one each.
	out=$(tmo 300 strace -f -qq -e trace=ioctl -e raw=ioctl -o "$T/p.st" "$EDU" $v --list-fds "$BDF" 2>&1); rc=$?
	np_map=$(ioctls "$T/p.st" 0x3b71) np_unmap=$(ioctls "$T/p.st" 0x3b72)
	CHECK_DIAG=$out
	check "plain $name: one MAP_DMA and one UNMAP_DMA (strace)" test "$np_map/$np_unmap" = 1/1
	check "edu DMA round trip, plain $name" test "$rc" = 0
	check "plain $name holds /dev/vfio/vfio" grep -Eq 'fd [0-9]+ -> /dev/vfio/vfio( |$)' <<<"$out"
	rm -f "$T/r.jsonl"
	out=$(VFIOCOMPAT_LOG=$T/r.jsonl LD_PRELOAD=$SHIM tmo 300 "$EDU" $v --list-fds "$BDF" 2>&1); rc=$?
	CHECK_DIAG=$out
	check "edu DMA round trip under the shim, $name on iommufd" test "$rc" = 0
	check "under the shim the process holds /dev/iommu" grep -Eq 'fd [0-9]+ -> /dev/iommu( |$)' <<<"$out"
	check "under the shim the process holds no /dev/vfio/vfio" test -z "$(grep -E 'fd [0-9]+ -> /dev/vfio/vfio( |$)' <<<"$out")"
	CHECK_DIAG=$(cat "$T/r.jsonl" 2>/dev/null)
	check "report records the redirect ($name)" test "$("$Q" "$T/r.jsonl" open action node=container)" = redirected
	check "report records the attach ($name)" test "$("$Q" "$T/r.jsonl" attach ret)" = 0
	check "report records the detach ($name)" test "$("$Q" "$T/r.jsonl" detach ret)/$("$Q" "$T/r.jsonl" summary detaches)" = 0/1
	check "report counts the plain run's $np_map MAP_DMA, no error ($name)" \
		test "$("$Q" "$T/r.jsonl" summary ioctls.IOMMU_MAP_DMA.calls)/$("$Q" "$T/r.jsonl" summary ioctls.IOMMU_MAP_DMA.errors)" = "$np_map/0"
	check "report counts the plain run's $np_unmap UNMAP_DMA ($name)" \
		test "$("$Q" "$T/r.jsonl" summary ioctls.IOMMU_UNMAP_DMA.calls)" = "$np_unmap"
	want=ready
	[ -n "$v" ] && want=ready-with-differences
	check "verdict $want ($name)" test "$("$Q" "$T/r.jsonl" summary verdict)" = "$want"
	CHECK_DIAG=
done

# Mixing the APIs on one IOAS: VFIO MAP_DMA for the source, iommufd's own
# IOMMU_IOAS_MAP (on the compat IOAS found with IOMMU_VFIO_IOAS) for the
# destination, and the DMA round trip through both.
out=$(VFIOCOMPAT_QUERY=1 VFIOCOMPAT_LOG=$T/m.jsonl LD_PRELOAD=$SHIM tmo 300 "$EDU" --native-map "$BDF" 2>&1); rc=$?
CHECK_DIAG="$out $(cat "$T/m.jsonl" 2>/dev/null)"
check "edu DMA with MAP_DMA and IOMMU_IOAS_MAP mixed on one IOAS (shim)" test "$rc" = 0
ioas=$(sed -n 's/.*on compat IOAS \([0-9]*\)$/\1/p' <<<"$out")
check "VFIOCOMPAT_QUERY=1 records the compat IOAS, the one the example used ($ioas)" \
	test -n "$ioas" -a "$("$Q" "$T/m.jsonl" ioas ioas_id)" = "$ioas"
rm -f "$T/m.jsonl"
VFIOCOMPAT_LOG=$T/m.jsonl LD_PRELOAD=$SHIM tmo 300 "$EDU" "$BDF" >/dev/null 2>&1
check "without VFIOCOMPAT_QUERY no IOMMU_VFIO_IOAS is issued (no ioas record)" \
	test "$("$Q" "$T/m.jsonl" ioas ioas_id)/$("$Q" "$T/m.jsonl" summary ioctls.IOMMU_VFIO_IOAS)" = MISSING/MISSING
out=$(tmo 300 "$EDU" --native-map "$BDF" 2>&1); rc=$?
CHECK_DIAG=$out
check "plain type1 --native-map fails with one clear line" \
	test "$rc" != 0 -a -n "$(grep -F 'IOMMU_VFIO_IOAS GET (--native-map needs iommufd behind the container)' <<<"$out")"
rm -rf "$T"
tap_end
