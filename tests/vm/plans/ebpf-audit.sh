#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The eBPF audit (vfiocompat audit) under Secure Boot-like conditions: kernel
# lockdown in integrity mode and module signatures enforced (the suite boots
# with lockdown=integrity; the plan raises either to that level itself when
# the boot did not: both only go up, so this plan runs alone in its VM).
# vfiocompat.ko is refused; the eBPF audit loads, and for each of the lab's
# audit-parity clients its report names the same features and verdict as the
# shim's audit mode on the same program (the static client: on its dynamic
# twin, the same source). Then its options and refusals, `vfiocompat run` on
# the static client, and last lockdown raised to confidentiality: a refusal.
# The cost figures (docs/performance.md) are printed as comments, not tested.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
. "$here/lib/parity-clients.sh"
. "$here/lib/ebpf-audit.sh"
SHIM=$B/libvfiocompat.so
VFC=$B/vfiocompat
KO=$B/kernel/vfiocompat.ko
T=$(mktemp -d)
chmod 0755 "$T" # uid 65534 below must reach $T/anyone
sig() { "$B/helpers/report-sig" "$@"; }

mountpoint -q /sys/kernel/security || mount -t securityfs none /sys/kernel/security
LD=/sys/kernel/security/lockdown
echo "# lockdown at boot: $(cat $LD); module.sig_enforce: $(cat /sys/module/module/parameters/sig_enforce); cmdline: $(cat /proc/cmdline)"
grep -q '\[integrity\]' $LD || echo integrity >$LD
[ "$(cat /sys/module/module/parameters/sig_enforce)" = Y ] || echo 1 >/sys/module/module/parameters/sig_enforce
check "lockdown is integrity" grep -q '\[integrity\]' $LD
check "module signatures are enforced" test "$(cat /sys/module/module/parameters/sig_enforce)" = Y

# --- the module is refused ---
if [ -f "$KO" ]; then
	out=$(insmod "$KO" 2>&1); rc=$?
	CHECK_DIAG="insmod: rc=$rc $out; $(dmesg | grep -iE 'lockdown|sign|vfiocompat' | tail -3)"
	check "vfiocompat.ko (unsigned) is refused: $out" test "$rc" != 0
	check "... and not loaded" sh -c "! grep -q '^vfiocompat ' /proc/modules"
	CHECK_DIAG=
else
	tap_fail "$KO is not built (make module)"
fi

# --- the eBPF audit: started, its report directory, stopped ---
audit_start "$T/first"
check "vfiocompat audit loads under lockdown=integrity" kill -0 "$APID"
load_ms=$(sed -n 's/.*loaded in \([0-9]*\) ms.*/\1/p' "$T/first.err")
echo "# time to load and attach: ${load_ms:-?} ms (TCG)"
out=$("$VFC" audit -o "$T" 2>&1); rc=$?
CHECK_DIAG=$out
check "a second instance: one line, exit 2" test "$rc" = 2 -a "$(wc -l <<<"$out")" = 1
check "... naming the running one" grep -q "another vfiocompat audit is running (pid $APID" <<<"$out"
audit_stop; rc=$?
check "SIGINT stops it: exit 0" test "$rc" = 0

# pair NAME CMD...: CMD in the shim's audit mode, then plain under the eBPF
# audit (system-wide: no other VFIO user runs meanwhile); the two reports must
# name the same features and give the same verdict.
pair() {
	local name=$1 ra re a e
	shift
	rm -f "$T/a.jsonl"
	VFIOCOMPAT_MODE=audit VFIOCOMPAT_LOG=$T/a.jsonl LD_PRELOAD=$SHIM "$@" >"$T/a.out" 2>&1
	ra=$?
	audit_start "$T/e" || { tap_fail "$name: the eBPF audit did not start" "$(cat "$T/e.err")"; return; }
	"$@" >"$T/e.out" 2>&1
	re=$?
	audit_stop
	cat "$T"/e/*.jsonl >"$T/e.jsonl" 2>/dev/null
	a=$(sig "$T/a.jsonl") e=$(sig "$T/e.jsonl")
	echo "# $name: shim audit rc=$ra $a | eBPF audit rc=$re $e"
	echo "| $name | $a | $e |" >>"$T/table"
	grep -h "without an exit event" "$T/e.err" | sed "s|^|# $name: |"
	CHECK_DIAG="shim audit: $a; eBPF audit: $e; $(cat "$T"/e.err | tail -3)"
	check "$name: the eBPF audit predicts as the shim's audit mode" test "$a" = "$e" -a "$e" != "features=none verdict=none"
	CHECK_DIAG=
}

after_pair() {
	case $1 in
	"edu type1v2") cp "$T/e.jsonl" "$T/edu.jsonl" ;;
	"edu type1 v1") cp "$T/a.jsonl" "$T/v1.a.jsonl" ;;
	esac
}
parity_clients

# The static client, which LD_PRELOAD cannot reach: its eBPF audit against
# the shim's audit of its dynamic twin (edu type1 v1 above).
audit_start "$T/s"
"$B/examples/vfio-dma-edu-static" --v1 "$VFC_EDU" >"$T/s.out" 2>&1 &
spid=$!
wait "$spid"
src=$?
audit_stop
s=$(sig "$T/s/vfio-dma-edu-st-$spid.jsonl" "$spid") a=$(sig "$T/v1.a.jsonl")
echo "# static client: eBPF audit rc=$src $s | dynamic twin, shim audit $a"
echo "| static client (vs its dynamic twin) | $a | $s |" >>"$T/table"
CHECK_DIAG="eBPF: $s; shim: $a; $(cat "$T/s.out")"
check "static client: the eBPF audit predicts as the shim's audit of its code" \
	test "$src" = 0 -a "$s" = "$a" -a "$s" != "features=none verdict=none"
CHECK_DIAG=
f=$(ls "$T"/s/*.jsonl 2>/dev/null | head -n1)
check "one file per process, named PROGRAM-PID.jsonl" test -f "$T/s/vfio-dma-edu-st-$spid.jsonl"
st=$(head -n1 "$f")
has_all() { # has_all TEXT PATTERN...: every (fixed) pattern is in TEXT
	local t=$1 p
	shift
	for p in "$@"; do grep -qF -- "$p" <<<"$t" || return 1; done
}
CHECK_DIAG=$st
check "start: source ebpf, pid, starttime, boot_id, mode audit, exe" has_all "$st" \
	"\"source\":\"ebpf\",\"pid\":$spid,\"starttime\":" \
	"\"boot_id\":\"$(cat /proc/sys/kernel/random/boot_id)\"" '"mode":"audit"' 'vfio-dma-edu-static"'
CHECK_DIAG=
out=$("$VFC" report "$f" 2>&1); rc=$?
CHECK_DIAG=$out
check "vfiocompat report reads it (READY WITH DIFFERENCES: type1_v1, exit 5)" test "$rc" = 5
CHECK_DIAG=

# --- every exit seen: short-lived clients, several at once ---
# The race that once left qemu-io `incomplete` (1 of 47): the kernel side's
# events shared one per-CPU buffer, and on this preemptible kernel (one
# vCPU) a program preempted halfway had its event overwritten by another
# task's. 50 clients of 500 container ioctls each, 5 at a time: each must
# have one summary with all 500 calls, not incomplete, and the kernel side
# must have seen every exit (no summary written at the stop for a process
# already gone).
audit_start "$T/many"
seq 50 | xargs -P 5 -I{} sh -c '"$1" 100 >/dev/null' _ "$B/helpers/ioctlcost"
audit_stop; rc=$?
n=0 bad=
for f in "$T"/many/*.jsonl; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	s=$(grep '"type":"summary"' "$f")
	[ "$(grep -c . <<<"$s")" = 1 ] && grep -q '"GET_API_VERSION":{"calls":500,"errors":0}' <<<"$s" &&
		! grep -q '"verdict":"incomplete"' <<<"$s" || bad="$bad ${f##*/}: $s;"
done
CHECK_DIAG="$n files;$bad $(cat "$T/many.err")"
check "50 short-lived clients, 5 at a time: 50 reports" test "$rc" = 0 -a "$n" = 50
check "... each with one summary of its 500 calls, not incomplete" test -z "$bad"
check "... every exit seen by the kernel side" sh -c "! grep -q 'without an exit event' '$T/many.err'"
CHECK_DIAG=

# --- filters, a process still running at the stop, bad input ---
audit_start "$T/c" --comm nosuchname
"$B/examples/vfio-dma-edu" "$VFC_EDU" >/dev/null 2>&1
audit_stop
check "--comm: another program is not reported" test -z "$(ls "$T/c")"
# --pid: a process started before the audit, which then execs the client.
mkfifo "$T/go"
bash -c 'read -r _ <"$1"; exec "$2" "$3"' _ "$T/go" "$B/examples/vfio-dma-edu" "$VFC_EDU" >/dev/null 2>&1 &
root=$!
audit_start "$T/p" --pid "$root"
"$B/examples/vfio-dma-edu" "$VFC_EDU" >/dev/null 2>&1 # not in its tree
echo go >"$T/go"
wait "$root"
audit_stop
CHECK_DIAG=$(ls "$T/p")
check "--pid: that process only, not another client" test "$(ls "$T/p")" = "vfio-dma-edu-$root.jsonl"
CHECK_DIAG=
# A QEMU held at -S with its device open: still running when the audit stops.
audit_start "$T/r"
qemu-system-x86_64 -M q35 -accel tcg -m 128M -nodefaults -display none -S \
	-device vfio-pci,host="$VFC_E1000E" -qmp unix:"$T/r.sock",server=on,wait=off &
qpid=$!
# Until its first container ioctl is reported (the QMP socket comes before
# the device is set up).
for _ in $(seq 240); do ls "$T"/r/*.jsonl >/dev/null 2>&1 && break; sleep 0.5; done
kill -TERM "$APID"
wait_for "$APID" 60 "vfiocompat audit"
rc=$?
kill "$qpid"; wait "$qpid" 2>/dev/null
sum=$(grep -h '"type":"summary"' "$T"/r/*.jsonl 2>/dev/null)
CHECK_DIAG="$sum $(cat "$T/r.err")"
check "SIGTERM: exit 0" test "$rc" = 0
check "... the running QEMU's summary: incomplete, running" \
	grep -q "\"pid\":$qpid,.*\"running\":true.*\"verdict\":\"incomplete\"" <<<"$sum"
CHECK_DIAG=
for bad in "-o /nonexistent" "-o /usr" "-o /etc/passwd" "--pid 0" "--comm 0123456789abcdefg" "--duration x" "extra"; do
	# shellcheck disable=SC2086
	out=$("$VFC" audit $bad 2>&1); rc=$?
	CHECK_DIAG=$out
	check "audit $bad: one line, exit 2" test "$rc" = 2 -a "$(wc -l <<<"$out")" = 1
done
mkdir -m 1777 "$T/anyone"
out=$(setpriv --reuid 65534 --regid 65534 --clear-groups "$VFC" audit -o "$T/anyone" 2>&1); rc=$?
CHECK_DIAG=$out
check "not root: one line naming CAP_BPF, exit 2" test "$rc" = 2 -a "$(wc -l <<<"$out")" = 1 -a -n "$(grep CAP_BPF <<<"$out")"
out=$("$VFC" audit -o "$T" --duration 1 2>&1); rc=$?
CHECK_DIAG=$out
check "--duration 1: stops by itself, exit 0" test "$rc" = 0

# --- vfiocompat run on the static client: mount namespace and the eBPF audit ---
j() { grep -o "\"$1\":[^,}]*" <<<"$2" | head -n1; }
out=$(tmo 300 "$VFC" run --json -- "$B/examples/vfio-dma-edu-static" --v1 "$VFC_EDU" 2>&1); rc=$?
dyn=$(tmo 300 "$VFC" run --json -- "$B/examples/vfio-dma-edu" --v1 "$VFC_EDU" 2>&1)
CHECK_DIAG="static: $out; dynamic: $dyn"
check "run, static client: mount namespace, edu DMA works" test "$rc" = 0
check "run, static client: the eBPF audit attached" grep -q 'eBPF audit' <<<"$out"
check "run, static client: the features and verdict of a preloaded run of its twin" \
	sh -c "test -n '$(j verdict "$out")' && test '$(j verdict "$out")' = '$(j verdict "$dyn")' && test '$(grep -o '"features":\[[^]]*\]' <<<"$out")' = '$(grep -o '"features":\[[^]]*\]' <<<"$dyn")'"
CHECK_DIAG=

# --- cost per ioctl (bench figures, not tested): without and with the audit
# attached, in ABBA order over four rounds (TCG, on a shared host: indicative) ---
cost() { echo "# ioctl cost round $1 $2: $("$B/helpers/ioctlcost" 20000)"; }
if [ -c /dev/vfio/vfio ]; then
	for r in 1 2 3 4; do
		[ $((r % 2)) = 1 ] && cost "$r" "without the audit"
		audit_start "$T/bench"
		cost "$r" "with the audit attached"
		audit_stop
		[ $((r % 2)) = 0 ] && cost "$r" "without the audit"
		echo "# time to load and attach, round $r: $(sed -n 's/.*loaded in \([0-9]*\) ms.*/\1/p' "$T/bench.err") ms"
	done
fi

echo "# parity table (client | shim audit mode | eBPF audit):"
sed 's/^/# /' "$T/table"

# --- lockdown=confidentiality: refused in one line ---
echo confidentiality >$LD
check "lockdown raised to confidentiality" grep -q '\[confidentiality\]' $LD
out=$("$VFC" audit -o "$T" 2>&1); rc=$?
CHECK_DIAG=$out
check "confidentiality: one line naming it, exit 2" \
	test "$rc" = 2 -a "$(wc -l <<<"$out")" = 1 -a -n "$(grep confidentiality <<<"$out")"
out=$(tmo 120 "$VFC" run -- "$B/examples/vfio-dma-edu-static" --v1 "$VFC_EDU" 2>&1); rc=$?
CHECK_DIAG=$out
check "run, static client, confidentiality: one line why, today's mount namespace" \
	test "$rc" = 0 -a -n "$(grep 'no eBPF audit' <<<"$out")"
CHECK_DIAG=
rm -rf "$T"
tap_end
