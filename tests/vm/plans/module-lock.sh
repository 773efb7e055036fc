#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# vfiocompat.ko's open borrows nothing from the opener (issue 21, findings 1-3):
# with the opener's mmap lock held, the other misc nodes (/dev/vfio/vfio,
# /dev/iommu) still open within a second and the node's own open completes;
# an opener in a user namespace (uid 65534, unshare -U) gets per-process
# accounting as root's opener does.
# If $B/kernel-landed/vfiocompat.ko exists (the module as first landed, built
# by hand), the same is measured on it first and printed: the "before".
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
. "$here/../module-load.sh"
ML=$B/helpers/mmaplock
export DM_DISABLE_UDEV=1
HOLD_MS=4000

# lockrun: one mmaplock run with a fresh suspended dm-zero device; sets $lk.
lockrun() {
	dmsetup remove vfclock 2>/dev/null
	dmsetup create vfclock --table "0 8192 zero" && dmsetup suspend vfclock || {
		lk="dmsetup failed"; return 1; }
	lk=$("$ML" "$NODE" /dev/mapper/vfclock vfclock "$HOLD_MS" 2>&1)
	dmsetup resume vfclock 2>/dev/null
	dmsetup remove vfclock
}
field() { sed -nE "s/.*\\b$1=(-?[0-9]+).*/\\1/p" <<<"$lk"; }

# The userns opener: uid 65534 in a new user namespace owns the edu group.
grp=$(basename "$(readlink /sys/bus/pci/devices/$VFC_EDU/iommu_group)")
chmod 755 "$T"
mkdir -m 1777 "$T/nb"
ns=(prlimit --memlock=16777216:16777216 setpriv --reuid=65534 --regid=65534 --clear-groups unshare -U)

landed=$B/kernel-landed/vfiocompat.ko
if [ -f "$landed" ]; then
	unload
	insmod "$landed"
	lockrun
	echo "# landed module, opener's mmap lock held ${HOLD_MS} ms: $lk"
	chown 65534 "/dev/vfio/$grp"
	echo "# landed module, uid 65534 in a user namespace: $("${ns[@]}" "$MN" mode "$NODE" 2>&1 | tail -n1)"
	chown 0 "/dev/vfio/$grp"
	unload
	insmod "$KO"
fi

lockrun
echo "# opener's mmap lock held ${HOLD_MS} ms: $lk"
CHECK_DIAG="$lk $(dmesg | tail -n 5)"
check "the reader thread waited for the suspended device with the mmap lock held" test "$(field blocked)" = 1
check "control: mmap() in the opener's process waited for the release (the lock was held, $(field mmap_ms) ms)" \
	test "$(field mmap_ms)" -ge $((HOLD_MS * 8 / 10))
check "/dev/vfio/vfio opened within a second meanwhile ($(field vfio_ms) ms)" \
	test "$(field vfio_ms)" -ge 0 -a "$(field vfio_ms)" -lt 1000
check "/dev/iommu opened within a second meanwhile ($(field iommu_ms) ms)" \
	test "$(field iommu_ms)" -ge 0 -a "$(field iommu_ms)" -lt 1000
check "the node's own open completed, per-process (rlimit mode 1), while the lock was held ($(field node_open_ms) ms)" \
	test "$(field node_mode)/$(field node_done_while_held)" = 1/1 -a "$(field node_open_ms)" -lt 1000

chown 65534 "/dev/vfio/$grp"
mode_ns=$("${ns[@]}" "$MN" mode "$NODE" 2>&1)
t1_ns=$("${ns[@]}" "$M" "$VFC_EDU" 16 2>&1)
node_ns=$("${ns[@]}" env VFIOCOMPAT_TARGET=$NODE VFIOCOMPAT_LOG=$T/nb/n.jsonl LD_PRELOAD=$SHIM "$M" "$VFC_EDU" 16 2>"$T/nb/n.err")
root_mode=$("$MN" mode "$NODE" 2>&1)
chown 0 "/dev/vfio/$grp"
echo "# uid 65534 in a user namespace: node open $mode_ns (root: $root_mode) | type1 $t1_ns | module node $node_ns"
CHECK_DIAG="$mode_ns $(dmesg | grep vfiocompat | tail -n 3)"
check "uid 65534 in a user namespace: the node's file counts per process, as root's opener's ($root_mode)" \
	test "$mode_ns" = rlimit_mode=1 -a "$root_mode" = rlimit_mode=1
CHECK_DIAG="$t1_ns / $node_ns $(cat "$T/nb/n.err" "$T/nb/n.jsonl" 2>/dev/null)"
check "uid 65534 in a user namespace: type1 stops at its 16 MiB limit (the oracle)" grep -Eq '^mapped=1[0-6] MiB errno=ENOMEM$' <<<"$t1_ns"
check "uid 65534 in a user namespace: the module node maps the same and fails the same as type1, memlock process" \
	test "$node_ns" = "$t1_ns" -a "$("$Q" "$T/nb/n.jsonl" summary memlock)" = process
CHECK_DIAG=

unload
check "module unloaded at the end" test ! -e "$NODE"
rm -rf "$T"
tap_end
