#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Memlock parity: with a 16 MiB RLIMIT_MEMLOCK (and CAP_IPC_LOCK dropped) a
# process must hit the limit at the same size on type1 and under the shim,
# which puts iommufd in per-process accounting mode (VFIOCOMPAT_RLIMIT=process,
# the default). Without CAP_SYS_RESOURCE the report must say why it cannot.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
Q=$B/helpers/report-query
M=$B/helpers/memlock
SHIM=$B/libvfiocompat.so
T=$(mktemp -d)

plain=$(tmo 300 "$M" "$VFC_EDU" 16 2>&1)
shim=$(VFIOCOMPAT_LOG=$T/p.jsonl LD_PRELOAD=$SHIM tmo 300 "$M" "$VFC_EDU" 16 2>&1)
user=$(VFIOCOMPAT_RLIMIT=user VFIOCOMPAT_LOG=$T/u.jsonl LD_PRELOAD=$SHIM tmo 300 "$M" "$VFC_EDU" 16 2>&1)
nores=$(VFIOCOMPAT_LOG=$T/n.jsonl LD_PRELOAD=$SHIM tmo 300 "$M" "$VFC_EDU" 16 --no-sys-resource 2>&1)
echo "# type1: $plain | shim (process): $shim | shim (user): $user | no CAP_SYS_RESOURCE: $nores"
CHECK_DIAG=$plain
check "type1 stops at the 16 MiB limit" grep -Eq '^mapped=1[0-6] MiB errno=ENOMEM' <<<"$plain"
CHECK_DIAG="$shim $(cat "$T/p.jsonl")"
check "under the shim the limit is hit at the same size as type1" test "$shim" = "$plain"
check "report: iommufd set to per-process accounting" test "$("$Q" "$T/p.jsonl" rlimit mode)" = process
check "summary: memlock process" test "$("$Q" "$T/p.jsonl" summary memlock)" = process
CHECK_DIAG=$(cat "$T/u.jsonl")
check "VFIOCOMPAT_RLIMIT=user leaves iommufd's per-user mode (no rlimit record)" \
	test "$("$Q" "$T/u.jsonl" rlimit mode)/$("$Q" "$T/u.jsonl" summary memlock)" = MISSING/user
CHECK_DIAG=$(cat "$T/n.jsonl")
check "without CAP_SYS_RESOURCE the report says EPERM and why" \
	test "$("$Q" "$T/n.jsonl" rlimit errno)" = EPERM -a -n "$(grep 'needs CAP_SYS_RESOURCE' "$T/n.jsonl")"

# dma_entry_limit: type1 refuses the mapping past it; iommufd has no such
# limit, so under the shim the same program maps on and the report says that
# type1 would have refused it. The limit is lowered to keep the run short.
P=/sys/module/vfio_iommu_type1/parameters/dma_entry_limit
old=$(cat "$P")
echo 100 >"$P"
plain=$(tmo 300 "$B/helpers/mapcount" "$VFC_EDU" 150 2>&1)
shim=$(VFIOCOMPAT_LOG=$T/d.jsonl LD_PRELOAD=$SHIM tmo 300 "$B/helpers/mapcount" "$VFC_EDU" 150 2>&1)
echo "$old" >"$P"
echo "# dma_entry_limit 100, 150 mappings asked: type1: $plain | shim: $shim"
CHECK_DIAG=$plain
check "type1 refuses mapping 101 with ENOSPC (dma_entry_limit 100)" test "$plain" = "mapped=100 errno=ENOSPC"
CHECK_DIAG="$shim $(cat "$T/d.jsonl")"
check "under the shim all 150 map (iommufd ignores the limit)" test "$shim" = "mapped=150 errno=0"
check "report: peak live mappings 150 against a limit of 100" \
	test "$("$Q" "$T/d.jsonl" summary peak_live_mappings)/$("$Q" "$T/d.jsonl" summary dma_entry_limit)" = 150/100
check "report: feature dma_entry_limit (info), verdict still ready" \
	test "$("$Q" "$T/d.jsonl" feature severity feature=dma_entry_limit)/$("$Q" "$T/d.jsonl" summary verdict)" = info/ready
check "the dma_entry_limit parameter is restored" test "$(cat "$P")" = "$old"
rm -rf "$T"
tap_end
