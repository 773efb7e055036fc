#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The lab half of `make bench` (never part of `make check`): P3 shim vs direct
# iommufd MAP/UNMAP, P4 shim vs strace, P5 QEMU start to QMP ready, and the
# full `vfiocompat bench` table. Writes JSON to $VFC_RESULTS/perf/; checks
# only that each measurement ran (goals are judged in docs/performance.md).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
top=$(cd "$here/../../.." && pwd)
V=$B/vfiocompat
SHIM=$B/libvfiocompat.so
R=${VFC_RESULTS:-/tmp}/perf
mkdir -p "$R"
T=$(mktemp -d)
DEV=$VFC_NVME
SIZES=4K,64K,2M,64M,1G

# vfiocompat bench, full table: what switching costs.
"$V" bench --device "$DEV" --sizes "$SIZES" --reps 5 --rounds 3 --json >"$R/bench.json" 2>"$T/e"
CHECK_DIAG=$(cat "$T/e")
check "vfiocompat bench, sizes $SIZES" python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["ratios_vs_type1"]' "$R/bench.json"
grep '"reading"' "$R/bench.json" | sed 's/^ */# /'

# P3: the same type1 program redirected by the shim vs opening /dev/iommu itself.
for i in 1 2 3; do
	VFIOCOMPAT_LOG=$T/p3.jsonl LD_PRELOAD=$SHIM "$V" bench --device "$DEV" --backend type1 \
		--sizes "$SIZES" --reps 5 --rounds 1 --json >"$R/p3-shim-$i.json" 2>>"$T/e3"
	"$V" bench --device "$DEV" --backend iommufd --sizes "$SIZES" --reps 5 --rounds 1 --json \
		>"$R/p3-direct-$i.json" 2>>"$T/e3"
done
CHECK_DIAG=$(cat "$T/e3")
check "P3: the shim's runs really went to iommufd" test "$(grep -c '"action":"redirected"' "$T/p3.jsonl")" = 3
check "P3: three rounds each way measured" test "$(ls "$R"/p3-*.json | wc -l)" = 6

# P4: the same facts from strace vs from the shim, over 10^4 ioctls (strace
# under TCG costs ~0.5 ms per traced call).
L=$B/bench/loop
N=10000
p4() { # p4 KIND: plain shim strace (ns), 3 alternating rounds
	local k=$1 i p s t
	for i in 1 2 3; do
		p=$(BENCH_CONTAINER=/dev/iommu "$L" "$k" $N)
		s=$(VFIOCOMPAT_LOG=$T/p4.jsonl LD_PRELOAD=$SHIM BENCH_CONTAINER=/dev/vfio/vfio "$L" "$k" $N)
		t=$(BENCH_CONTAINER=/dev/iommu strace -f -e trace=ioctl -o "$T/st" "$L" "$k" $N)
		echo "$p $s $t"
	done
}
for k in container-ioctl foreign-ioctl; do
	p4 "$k" >"$R/p4-$k.txt"
	check "P4 $k: 3 rounds of plain, shim and strace" test "$(awk 'NF == 3' "$R/p4-$k.txt" | wc -l)" = 3
done

# P5: QEMU -S -device vfio-pci start to QMP ready: plain type1, the shim in
# audit mode (type1 kept: the shim's own cost), redirected (iommufd), and a
# control preloading an empty library (what any LD_PRELOAD costs QEMU).
for i in 1 2 3; do
	a=$("$top/bench/qemu-ready" "$VFC_E1000E" "$T" 2>>"$T/e5")
	b=$(VFIOCOMPAT_MODE=audit VFIOCOMPAT_LOG=$T/p5.jsonl LD_PRELOAD=$SHIM "$top/bench/qemu-ready" "$VFC_E1000E" "$T" 2>>"$T/e5")
	c=$(VFIOCOMPAT_LOG=$T/p5r.jsonl LD_PRELOAD=$SHIM "$top/bench/qemu-ready" "$VFC_E1000E" "$T" 2>>"$T/e5")
	d=$(LD_PRELOAD=$B/bench/empty.so "$top/bench/qemu-ready" "$VFC_E1000E" "$T" 2>>"$T/e5")
	echo "$a $b $c $d"
done >"$R/p5.txt"
CHECK_DIAG="$(cat "$R/p5.txt" "$T/e5")"
check "P5: 3 rounds of plain, audit, redirected and empty-preload QEMU start-ups" test "$(awk 'NF == 4' "$R/p5.txt" | wc -l)" = 3
check "P5: the redirected QEMU really used iommufd" grep -q '"action":"redirected"' "$T/p5r.jsonl"
rm -rf "$T"
tap_end
