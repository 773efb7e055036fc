#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# vfiocompat.ko in the lab kernel: loading, unloading and opening it are
# robust. Then the type1 audit of static and probe clients, dma_entry_limit
# and 1000 short-lived processes, once the module's audit's and now the eBPF
# audit's (vfiocompat audit; the module keeps its node only). module.sh
# covers the node itself.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
. "$here/../module-load.sh"
. "$here/lib/ebpf-audit.sh"

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
for _ in $(seq 100); do
	rmmod vfiocompat 2>/dev/null
	insmod "$KO" || fails=$((fails + 1))
	[ -c "$NODE" ] || fails=$((fails + 1))
done
unload
echo "# 100 load/unload cycles in $(( $(date +%s) - t0 ))s"
check "insmod/rmmod 100 times" test "$fails" = 0 -a ! -e "$NODE"
out=$(insmod "$KO" iommufd_node=/dev/null 2>&1); rc=$?
msg=$(dmesg | grep 'vfiocompat:' | tail -n1)
CHECK_DIAG="$out / $msg"
check "a node that is not iommufd: load refused with one clear line" \
	test "$rc" != 0 -a -n "$(grep '/dev/null is not an iommufd node' <<<"$msg")"
unload

# 6. The eBPF audit on plain type1 (no shim, no module): static and
# dynamic clients.
audit_start "$T/a" || tap_fail "vfiocompat audit did not start" "$(cat "$T/a.err")"
"$EDU_STATIC" --v1 "$VFC_EDU" >"$T/s.out" 2>&1 &
spid=$!
wait "$spid"; src=$?
pids=
for pair in vaddr_map:vaddr_map vaddr_unmap:vaddr_unmap update_vaddr_ext:update_vaddr_extension \
	nesting_ext:nesting_extension nesting_set:nesting_set_iommu spapr:spapr \
	dirty_pages:dirty_pages dirty_bitmap_unmap:dirty_bitmap_unmap type1_v1:type1_v1 \
	p2p_map:p2p_map; do
	"$PROBE" "${pair%%:*}" "$VFC_IGB" >"$T/p-${pair%%:*}.out" 2>&1 &
	ppid=$!
	wait "$ppid"
	pids="$pids $pair:$ppid"
done
audit_stop
cat "$T"/a/*.jsonl >"$T/k.jsonl" 2>/dev/null
CHECK_DIAG="$(cat "$T/s.out") $(grep "\"pid\":$spid," "$T/k.jsonl")"
check "static client (type1 v1) ran on plain type1" test "$src" = 0
check "audit: start record for the static client names its exe" \
	test "$("$Q" "$T/k.jsonl" start exe pid=$spid)" = "$(readlink -f "$EDU_STATIC")"
check "audit: static client's type1_v1 feature (SET_IOMMU value 1)" \
	test "$("$Q" "$T/k.jsonl" feature value pid=$spid feature=type1_v1)" = 1
check "audit: static client's summary counts MAP_DMA, verdict ready-with-differences" \
	test "$("$Q" "$T/k.jsonl" summary ioctls.IOMMU_MAP_DMA.calls pid=$spid)" -ge 1 -a "$("$Q" "$T/k.jsonl" summary verdict pid=$spid)" = ready-with-differences
for pp in $pids; do
	p=${pp%%:*} rest=${pp#*:}
	feat=${rest%%:*} ppid=${rest#*:}
	CHECK_DIAG="$(cat "$T/p-$p.out") $(grep "\"pid\":$ppid," "$T/k.jsonl")"
	check "audit: probe $p (pid $ppid, plain type1) has a $feat record ($(grep -o "probe $p ret=[^ ]* errno=[A-Z0-9]*" "$T/p-$p.out"))" \
		test "$("$Q" "$T/k.jsonl" feature feature pid=$ppid feature=$feat)" = "$feat"
done
CHECK_DIAG=$(cat "$T/a.err")
check "audit: no event lost, every exit seen" \
	sh -c "! grep -qE 'lost|without an exit event' '$T/a.err'"
# dma_entry_limit pressure: type1 refuses the 5th mapping with ENOSPC (the
# audit reads the limit when it starts).
lim=/sys/module/vfio_iommu_type1/parameters/dma_entry_limit
old_lim=$(cat "$lim")
echo 4 >"$lim"
audit_start "$T/l"
"$M" "$VFC_EDU" 16 >"$T/m.out" 2>&1 &
lpid=$!
wait "$lpid"
audit_stop
echo "$old_lim" >"$lim"
cat "$T"/l/*.jsonl >"$T/k.jsonl" 2>/dev/null
CHECK_DIAG="$(cat "$T/m.out") $(grep "\"pid\":$lpid," "$T/k.jsonl")"
# The module's audit named this dma_entry_limit; the eBPF audit predicts as
# the shim's audit mode, which names the feature only when a mapping passes
# the limit and type1 still takes it: a refused one is MAP_DMA's ENOSPC.
check "audit: dma_entry_limit=4 makes MAP_DMA fail with ENOSPC, recorded as MAP_DMA's errno" \
	test "$(cat "$T/m.out")/$("$Q" "$T/k.jsonl" summary ioctls.IOMMU_MAP_DMA.errno pid=$lpid)" = "mapped=4 MiB errno=ENOSPC/ENOSPC"
[ -n "${VFC_RESULTS:-}" ] && cat "$T"/a/*.jsonl >"$VFC_RESULTS/ebpf-audit.jsonl"
# 1000 short-lived processes beside a long-lived one: every one reported
# whole, the long-lived one's record kept.
audit_start "$T/b"
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
audit_stop
cat "$T"/b/*.jsonl >"$T/b.jsonl" 2>/dev/null
nsum=$(grep -c '"type":"summary"' "$T/b.jsonl")
ninc=$(grep -c '"verdict":"incomplete"' "$T/b.jsonl")
echo "# 1000 short-lived processes in $((t1 - t0)) s: $churn; $nsum summaries, $ninc incomplete; $(tail -n2 "$T/b.err")"
CHECK_DIAG="$churn $(cat "$T/l.out") $(cat "$T/b.err")"
check "1000 short-lived processes each made their call" test "$churn/$(tail -n1 "$T/l.out")" = "children=1000 failed=0/done"
check "the long-lived process's record is kept: GET_API_VERSION before and after them (2 calls), its feature" \
	test "$("$Q" "$T/b.jsonl" summary ioctls.GET_API_VERSION.calls pid=$lpid)/$("$Q" "$T/b.jsonl" feature feature pid=$lpid feature=update_vaddr_extension)" = 2/update_vaddr_extension
check "its exe resolved" test "$("$Q" "$T/b.jsonl" start exe pid=$lpid)" = "$(readlink -f "$MN")"
check "1001 processes, each one summary, none incomplete, every exit seen" \
	test "$nsum/$ninc/$(grep -cE 'lost|without an exit event' "$T/b.err")" = 1001/0/0
unload
check "module unloaded at the end" test ! -e "$NODE"
rm -rf "$T"
tap_end
