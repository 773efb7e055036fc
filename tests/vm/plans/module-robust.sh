#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# vfiocompat.ko in the lab kernel: loading, unloading and opening it are
# robust, and its audit (audit=1) names each type1 feature per process,
# static or not. module.sh covers the node itself.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
. "$here/../module-load.sh"

# 5. Robustness.
rm -f "$T/h.in" "$T/h.out"
mkfifo "$T/h.in"
"$MN" hold "$NODE" <"$T/h.in" >"$T/h.out" 2>&1 &
hpid=$!
exec 8>"$T/h.in"
for _ in $(seq 50); do grep -q held "$T/h.out" 2>/dev/null && break; sleep 0.1; done
rmout=$(rmmod vfiocompat 2>&1); rmrc=$?
exec 8>&-
wait "$hpid"
CHECK_DIAG="rmmod: rc $rmrc $rmout; holder: $(cat "$T/h.out")"
echo "# rmmod while a process holds the node: rc $rmrc ($rmout)"
# The node is the module's own cdev: an open file holds it (as any char
# device's module), so rmmod waits for the last close instead of racing it.
check "rmmod while a process holds the node: refused (in use), the file keeps working" \
	test "$rmrc" != 0 -a -n "$(grep 'after rlimit_mode=1' "$T/h.out")"
check "rmmod once the file is closed" unload
loaded || insmod "$KO"
out=$("$MN" threads "$NODE" 16 50 2>&1)
CHECK_DIAG=$out
check "16 threads x 50 opens: all per-process iommufd files" test "$out" = "opens=800 bad=0"
"$MN" threads "$NODE" 16 200 >"$T/race.out" 2>&1 &
rpid=$!
race_fail=0 busy=0
: >"$T/insmod.err"
for _ in $(seq 20); do
	# rmmod is refused (EBUSY) while an opener holds a file of the node (or
	# is inside open()): the kernel's rule, not a failure; no insmod then.
	rmmod vfiocompat 2>/dev/null || busy=$((busy + 1))
	loaded && continue
	insmod "$KO" 2>>"$T/insmod.err" || race_fail=$((race_fail + 1))
done
wait "$rpid"; rrc=$?
loaded || insmod "$KO"
echo "# racing cycles: $((20 - busy)) unloads, $busy refused while a file of the node was open"
CHECK_DIAG="helper exit $rrc: $(cat "$T/race.out"); insmod failures $race_fail: $(head -c 300 "$T/insmod.err")"
check "20 unload/load cycles under 16 racing openers: no failure, openers finish" test "$rrc/$race_fail" = 0/0
check "some racing cycles really unloaded the module between opens" test $((20 - busy)) -ge 1
fails=0
t0=$(date +%s)
# Unloading with the audit on waits for kprobe grace periods (seconds under
# TCG): every 20th cycle only.
for i in $(seq 100); do
	a=0
	[ $((i % 20)) = 0 ] && a=1
	rmmod vfiocompat 2>/dev/null
	insmod "$KO" audit=$a || fails=$((fails + 1))
	[ -c "$NODE" ] || fails=$((fails + 1))
done
unload
echo "# 100 load/unload cycles in $(( $(date +%s) - t0 ))s"
check "insmod/rmmod 100 times (5 of them with audit=1)" test "$fails" = 0 -a ! -e "$NODE"
out=$(insmod "$KO" iommufd_node=/dev/null 2>&1); rc=$?
msg=$(dmesg | grep 'vfiocompat:' | tail -n1)
CHECK_DIAG="$out / $msg"
check "a node that is not iommufd: load refused with one clear line" \
	test "$rc" != 0 -a -n "$(grep '/dev/null is not an iommufd node' <<<"$msg")"
unload

# 6. The audit on plain type1 (no shim): static and dynamic clients.
insmod "$KO" audit=1
check "audit=1: $REPORT exists, read-only" test -r "$REPORT" -a "$(stat -c %a "$REPORT")" = 444
"$EDU_STATIC" --v1 "$VFC_EDU" >"$T/s.out" 2>&1 &
spid=$!
wait "$spid"; src=$?
cp "$REPORT" "$T/k.jsonl"
CHECK_DIAG="$(cat "$T/s.out") $(grep "\"pid\":$spid," "$T/k.jsonl")"
check "static client (type1 v1) ran on plain type1" test "$src" = 0
check "audit: start record for the static client names its exe" \
	test "$("$Q" "$T/k.jsonl" start exe pid=$spid)" = "$(readlink -f "$EDU_STATIC")"
check "audit: static client's type1_v1 feature (SET_IOMMU value 1)" \
	test "$("$Q" "$T/k.jsonl" feature value pid=$spid feature=type1_v1)" = 1
check "audit: static client's summary counts MAP_DMA, verdict ready-with-differences" \
	test "$("$Q" "$T/k.jsonl" summary ioctls.IOMMU_MAP_DMA.calls pid=$spid)" -ge 1 -a "$("$Q" "$T/k.jsonl" summary verdict pid=$spid)" = ready-with-differences
for pair in vaddr_map:vaddr_map vaddr_unmap:vaddr_unmap update_vaddr_ext:update_vaddr_extension \
	nesting_ext:nesting_extension nesting_set:nesting_set_iommu spapr:spapr \
	dirty_pages:dirty_pages dirty_bitmap_unmap:dirty_bitmap_unmap type1_v1:type1_v1 \
	p2p_map:p2p_map; do
	p=${pair%%:*} feat=${pair#*:}
	"$PROBE" "$p" "$VFC_IGB" >"$T/p.out" 2>&1 &
	ppid=$!
	wait "$ppid"
	cp "$REPORT" "$T/k.jsonl"
	CHECK_DIAG="$(cat "$T/p.out") $(grep "\"pid\":$ppid," "$T/k.jsonl")"
	check "audit: probe $p (pid $ppid, plain type1) has a $feat record ($(grep -o "probe $p ret=[^ ]* errno=[A-Z0-9]*" "$T/p.out"))" \
		test "$("$Q" "$T/k.jsonl" feature feature pid=$ppid feature=$feat)" = "$feat"
done
# dma_entry_limit pressure: type1 refuses the 5th mapping with ENOSPC.
lim=/sys/module/vfio_iommu_type1/parameters/dma_entry_limit
old_lim=$(cat "$lim")
echo 4 >"$lim"
"$M" "$VFC_EDU" 16 >"$T/l.out" 2>&1 &
lpid=$!
wait "$lpid"
echo "$old_lim" >"$lim"
cp "$REPORT" "$T/k.jsonl"
CHECK_DIAG="$(cat "$T/l.out") $(grep "\"pid\":$lpid," "$T/k.jsonl")"
check "audit: dma_entry_limit=4 makes MAP_DMA fail with ENOSPC, recorded as dma_entry_limit" \
	test "$(cat "$T/l.out")/$("$Q" "$T/k.jsonl" feature errno pid=$lpid feature=dma_entry_limit)" = "mapped=4 MiB errno=ENOSPC/ENOSPC"
CHECK_DIAG=$(tail -n1 "$T/k.jsonl")
check "audit: every line is a JSON record; no call missed or dropped" \
	test "$("$Q" "$T/k.jsonl" kernel_audit missed_calls)/$("$Q" "$T/k.jsonl" kernel_audit dropped_calls)" = 0/0
[ -n "${VFC_RESULTS:-}" ] && cp "$T/k.jsonl" "$VFC_RESULTS/module-audit.jsonl"
echo "# audit report: $(wc -l <"$T/k.jsonl") lines, $("$Q" "$T/k.jsonl" kernel_audit processes) processes"
unload
# Bounded memory, slots of exited processes reused: 1000 short-lived
# processes through a table of 16 do not push out a long-lived one.
insmod "$KO" audit=1 audit_max_procs=16
rm -f "$T/l.in" "$T/l.out"
mkfifo "$T/l.in"
"$MN" longlived /dev/vfio/vfio <"$T/l.in" >"$T/l.out" 2>&1 &
lpid=$!
exec 8>"$T/l.in"
for _ in $(seq 50); do grep -q held "$T/l.out" 2>/dev/null && break; sleep 0.1; done
t0=$(date +%s)
churn=$("$MN" churn /dev/vfio/vfio 1000 2>&1)
t1=$(date +%s)
exec 8>&-
wait "$lpid"
cp "$REPORT" "$T/b.jsonl"
echo "# 1000 short-lived processes in $((t1 - t0)) s: $churn; $(tail -n1 "$T/b.jsonl")"
CHECK_DIAG="$churn $(cat "$T/l.out") $(tail -n1 "$T/b.jsonl")"
check "1000 short-lived processes each made their call" test "$churn/$(tail -n1 "$T/l.out")" = "children=1000 failed=0/done"
check "the long-lived process's record is kept: GET_API_VERSION before and after them (2 calls), its feature" \
	test "$("$Q" "$T/b.jsonl" summary ioctls.GET_API_VERSION.calls pid=$lpid)/$("$Q" "$T/b.jsonl" feature feature pid=$lpid feature=update_vaddr_extension)" = 2/update_vaddr_extension
check "its exe resolved outside the probe handler" test "$("$Q" "$T/b.jsonl" start exe pid=$lpid)" = "$(readlink -f "$MN")"
check "no call dropped: exited processes' slots were reused (at most 16 kept, most evicted)" \
	test "$("$Q" "$T/b.jsonl" kernel_audit dropped_calls)" = 0 -a "$("$Q" "$T/b.jsonl" kernel_audit processes)" -le 16 \
	-a "$("$Q" "$T/b.jsonl" kernel_audit evicted_processes)" -ge 900
unload

# The probe's lifetime, on a module that can be unloaded (vfio is built into
# the lab kernel): the mtty sample's ioctl handler as the probe point.
MTTY=$VFC_KSRC/samples/vfio-mdev/mtty.ko
mtty_was=0
grep -q '^mtty ' /proc/modules && { mtty_was=1; rmmod mtty; }
grep -q '^mdev ' /proc/modules || insmod "$VFC_KSRC/drivers/vfio/mdev/mdev.ko"
state() { sed -n 's/.*"probe_state":"\([^"]*\)".*/\1/p' "$REPORT"; }
out=$(insmod "$KO" audit=1 audit_symbol=mtty_precopy_ioctl 2>&1); rc=$?
s0=$(state)
mode=$("$MN" mode "$NODE" 2>&1)
msg=$(dmesg | grep 'vfiocompat: audit=1: cannot probe' | tail -n1)
insmod "$MTTY"; s1=$(state)
rmmod mtty; s2=$(state)
insmod "$MTTY"; s3=$(state)
rmmod mtty
[ "$mtty_was" = 1 ] && insmod "$MTTY"
echo "# probe point absent at load: $s0; its module loaded: $s1; unloaded: $s2; loaded again: $s3"
CHECK_DIAG="insmod rc $rc $out / $mode / $msg"
check "audit=1 with its probe point absent: the module loads, the node works (rlimit mode 1), one line says why" \
	test "$rc/$mode/$s0" = "0/rlimit_mode=1/not armed" -a -n "$msg"
CHECK_DIAG="$s0 $s1 $s2 $s3"
check "the probe is armed when its module loads, reported gone when it unloads, re-armed when it loads again" \
	test "$s1/$s2/$s3" = armed/gone/armed
unload
check "module unloaded at the end" test ! -e "$NODE"
rm -rf "$T"
tap_end
