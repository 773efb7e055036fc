#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `vfiocompat bench` end to end, short form: both back ends measured on a real
# device with its fd open, numbers sane. Timing goals live in `make bench`.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
V=$B/vfiocompat
T=$(mktemp -d)

"$V" bench --device "$VFC_NVME" --sizes 4K,2M --reps 5 --rounds 2 --json >"$T/b.json" 2>"$T/err"; rc=$?
CHECK_DIAG="$(cat "$T/err" "$T/b.json")"
check "bench on the nvme device: exit 0" test "$rc" = 0
check "bench: type1 and iommufd measured for each size, sane numbers" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
got = {(r["backend"], r["size"]): r for r in o["results"]}
for b in ("type1", "iommufd"):
    for s in (4096, 2 << 20):
        r = got[(b, s)]
        assert r["samples"] == 10, r
        for k in ("map_ns", "unmap_ns"):
            m = r[k]
            # a real pin+map: more than 100 ns, less than a second, ordered
            assert 100 < m["min"] <= m["median"] <= m["max"] < 1e9, (b, s, k, m)
    # mapping 2 MiB pins 512 pages: it cannot be cheaper than 4 KiB
    assert got[(b, 2 << 20)]["map_ns"]["median"] > got[(b, 4096)]["map_ns"]["median"], b
rat = {r["size"]: r for r in o["ratios_vs_type1"] if r["backend"] == "iommufd"}
assert set(rat) == {4096, 2 << 20}, rat
for r in rat.values():
    assert 0.01 < r["map_ratio"] < 100 and r["reading"].startswith("iommufd maps "), r' "$T/b.json"
sed 's/^/# /' "$T/b.json" | grep reading
"$V" bench --device "$VFC_NVME" --sizes 4K --reps 2 --rounds 1 >"$T/h" 2>&1; rc=$?
CHECK_DIAG=$(cat "$T/h")
check "bench human output: a table and a reading line" grep -q '^iommufd maps 4 KiB chunks .*; it unmaps them' "$T/h"
grp=$(basename "$(readlink "/sys/bus/pci/devices/$VFC_NVME/iommu_group")")
( exec 9<>"/dev/vfio/$grp"; "$V" bench --device "$VFC_NVME" --sizes 4K >"$T/o" 2>&1; echo "rc=$?" >>"$T/o" )
CHECK_DIAG=$(cat "$T/o")
check "bench refuses a device in use, naming it, exit 2" grep -q "is in use.*stop the VM using it" "$T/o"
check "... exit 2" grep -q '^rc=2$' "$T/o"
setpriv --reuid=65534 --regid=65534 --clear-groups "$V" bench --device "$VFC_NVME" --sizes 4K >"$T/o" 2>&1; rc=$?
CHECK_DIAG=$(cat "$T/o")
check "bench as an unprivileged user: refused with the reason, exit 2" test "$rc" = 2 -a -n "$(grep 'Permission denied; run as root' "$T/o")"
rm -rf "$T"
tap_end
