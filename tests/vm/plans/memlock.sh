#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Memlock parity: with a 16 MiB RLIMIT_MEMLOCK (and CAP_IPC_LOCK dropped) a
# process must hit the limit at the same size on type1 and under the shim,
# which puts iommufd in per-process accounting mode (VFIOCOMPAT_RLIMIT=process,
# the default). Without CAP_SYS_RESOURCE the report must say why it cannot.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
Q=$here/../../integration/report-query
M=$B/helpers/memlock
SHIM=$B/libvfiocompat.so
T=$(mktemp -d)

plain=$("$M" "$VFC_EDU" 16 2>&1)
shim=$(VFIOCOMPAT_LOG=$T/p.jsonl LD_PRELOAD=$SHIM "$M" "$VFC_EDU" 16 2>&1)
user=$(VFIOCOMPAT_RLIMIT=user VFIOCOMPAT_LOG=$T/u.jsonl LD_PRELOAD=$SHIM "$M" "$VFC_EDU" 16 2>&1)
nores=$(VFIOCOMPAT_LOG=$T/n.jsonl LD_PRELOAD=$SHIM "$M" "$VFC_EDU" 16 --no-sys-resource 2>&1)
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
rm -rf "$T"
tap_end
