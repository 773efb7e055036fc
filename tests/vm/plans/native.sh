#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The native switch, predicted and proven (issue 27). QEMU on each lab device
# three ways: plain type1, the trial (the shim, iommufd compat) and QEMU's own
# iommufd back end (-object iommufd + vfio-pci,iommufd=). The devices run
# their firmware (no -S), so the BARs are placed and QEMU maps them for P2P.
# Per run: started or not, QEMU's own error lines, the memlock accounting the
# process shows (/proc/PID/status VmLck, VmPin) and its fds. Then mtty live
# migrations, the same three ways, with and without device dirty tracking.
# The oracle: the native prediction `vfiocompat report --json` makes from
# each trial's report equals what the native run did, case by case.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
SHIM=$B/libvfiocompat.so
V=$B/vfiocompat
NQ=$here/../native-qmp
T=$(mktemp -d)
KS=${VFC_KSRC:?no kernel tree (VFC_KSRC)}
OUTD=${VFC_RESULTS:-$T}/native
mkdir -p "$OUTD"

res() { sed -n "s/^$2=//p" "$T/$1.res" 2>/dev/null | head -1; }
# QEMU's own error lines (those naming a failure), without the program's
# prefix and the level (warning:, error:), distinct, sorted, joined by " | ".
errlines() {
	grep -E 'failed|[Ee]rror' "$1" 2>/dev/null | grep -v 'terminating on signal' |
		sed -E 's/^.*qemu-system-x86_64: //; s/^(warning|error): //; s/-device vfio-pci,[^:]*: //' |
		sort -u | paste -sd'|' - | sed 's/|/ | /g'
}

# run DEV MODE: QEMU with device DEV (e1000e, nvme, edu) the MODE way.
run() {
	local dev=$1 mode=$2 bdf id pre=() obj=() opt="" pid
	case $dev in
	e1000e) bdf=$VFC_E1000E id=8086:10d3 ;;
	nvme) bdf=$VFC_NVME id=1b36:0010 ;;
	edu) bdf=$VFC_EDU id=1234:11e8 ;;
	esac
	case $mode in
	trial) pre=(env LD_PRELOAD="$SHIM" VFIOCOMPAT_LOG="$T/$dev.trial.jsonl") ;;
	native) obj=(-object iommufd,id=iommufd0) opt=,iommufd=iommufd0 ;;
	esac
	"${pre[@]}" qemu-system-x86_64 -M q35 -accel tcg -m 128M -nodefaults -display none \
		"${obj[@]}" -device "vfio-pci,host=$bdf$opt" \
		-qmp unix:"$T/$dev.$mode.sock",server=on,wait=off >"$T/$dev.$mode.out" 2>&1 &
	pid=$!
	python3 "$NQ" "$T/$dev.$mode.sock" "$pid" "$id" "$T/$dev.$mode.res" 120
	wait_for "$pid" 30 "QEMU ($dev $mode)"
	echo "rc=$?" >>"$T/$dev.$mode.res"
	echo "errors=$(errlines "$T/$dev.$mode.out")" >>"$T/$dev.$mode.res"
	# Started: QMP answered and the firmware placed the BARs.
	local st=no
	[ "$(res "$dev.$mode" qmp)" = yes ] && [ "$(res "$dev.$mode" bar0)" != unplaced ] && st=yes
	echo "started=$st" >>"$T/$dev.$mode.res"
	local acct="" l p
	l=$(res "$dev.$mode" VmLck) p=$(res "$dev.$mode" VmPin)
	[ "${l:-0}" -gt 0 ] 2>/dev/null && acct=VmLck
	[ "${p:-0}" -gt 0 ] 2>/dev/null && acct=${acct:+$acct+}VmPin
	acct=${acct:-none}
	echo "locked=$acct" >>"$T/$dev.$mode.res"
	echo "# $dev $mode: started=$st bar0=$(res "$dev.$mode" bar0) VmLck=$(res "$dev.$mode" VmLck) VmPin=$(res "$dev.$mode" VmPin) fds=$(res "$dev.$mode" fds) errors=[$(res "$dev.$mode" errors)]"
}

# pred CASE FIELD: the native prediction of the trial's report (one process).
pred() {
	python3 - "$T/$1.report" "$2" <<'PY'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
    p = [p for p in r["processes"] if p.get("merged", True)][0]
    n = dict(p["native"], compat=p["verdict"], compat_migration=p["migration"])
    v = n.get(sys.argv[2], "MISSING")
    if isinstance(v, bool):
        v = "yes" if v else "no"
    elif isinstance(v, list):
        v = " | ".join(sorted(set(v)))
    print(v)
except Exception as e:
    print("MISSING (%s)" % e)
PY
}

for dev in e1000e nvme edu; do
	for mode in type1 trial native; do run "$dev" "$mode"; done
	"$V" report --json "$T/$dev.trial.jsonl" >"$T/$dev.report" 2>&1
	for mode in type1 trial native; do
		CHECK_DIAG=$(cat "$T/$dev.$mode.res" "$T/$dev.$mode.out")
		check "$dev $mode: QEMU starts and its firmware places the BARs" test "$(res "$dev.$mode" started)" = yes
	done
	CHECK_DIAG=$(cat "$T/$dev.type1.res")
	check "$dev type1: QEMU holds the container, guest RAM counted as VmLck" \
		test "$(res "$dev.type1" fds)/$(res "$dev.type1" locked)" = "/dev/vfio/GROUP,/dev/vfio/vfio/VmLck"
	CHECK_DIAG=$(cat "$T/$dev.native.res")
	check "$dev native: QEMU holds /dev/iommu and the device's cdev, nothing else of VFIO" \
		test "$(res "$dev.native" fds)" = "/dev/iommu,/dev/vfio/devices/vfioN"
	# The oracle: the trial's native prediction against the native run.
	{
		for f in available verdict starts errors locked memlock compat; do echo "pred_$f=$(pred "$dev" "$f")"; done
	} >"$T/$dev.pred"
	CHECK_DIAG=$(cat "$T/$dev.pred" "$T/$dev.report")
	p() { sed -n "s/^pred_$1=//p" "$T/$dev.pred"; }
	check "$dev: the trial's report predicts a native back end for QEMU" test "$(p available)" = yes
	CHECK_DIAG="predicted: $(cat "$T/$dev.pred"); native run: $(cat "$T/$dev.native.res")"
	check "$dev oracle: starts as predicted ($(p starts))" test "$(p starts)" = "$(res "$dev.native" started)"
	check "$dev oracle: QEMU's error lines as predicted ([$(p errors)])" test "$(p errors)" = "$(res "$dev.native" errors)"
	check "$dev oracle: pinned memory shows as predicted ($(p locked))" test "$(p locked)" = "$(res "$dev.native" locked)"
	echo "| $dev | $(res "$dev.type1" started), [$(res "$dev.type1" errors)], $(res "$dev.type1" locked) | $(res "$dev.trial" started), [$(res "$dev.trial" errors)], $(res "$dev.trial" locked); $(p compat) | $(p verdict): $(p starts), [$(p errors)], $(p locked) | $(res "$dev.native" started), [$(res "$dev.native" errors)], $(res "$dev.native" locked) |" >>"$T/table.md"
done

# --- mtty live migration, type1 / trial / native, with and without device dirty tracking
load() { local n; n=$(basename "$1" .ko); [ -d "/sys/module/$n" ] || insmod "$1"; }
load "$KS/drivers/vfio/mdev/mdev.ko" 2>"$T/insmod.err"
load "$KS/samples/vfio-mdev/mtty.ko" 2>>"$T/insmod.err"
TYPE=$(ls -d /sys/class/mdev_bus/*/mdev_supported_types/mtty-1 2>/dev/null | head -1)
CHECK_DIAG=$(cat "$T/insmod.err")
check "mtty loaded (${TYPE:-none})" test -n "$TYPE"
fresh_mdevs() {
	for u in ${U1:-} ${U2:-}; do echo 1 >"/sys/bus/mdev/devices/$u/remove"; done
	U1=$(cat /proc/sys/kernel/random/uuid) U2=$(cat /proc/sys/kernel/random/uuid)
	echo "$U1" >"$TYPE/create" && echo "$U2" >"$TYPE/create"
}
# mig NAME MODE OPTS: one migration; NAME.res gets what qmp-migrate said
# and migrated=yes|no.
mig() {
	local name=$1 mode=$2 opts=$3 side uuid env=() obj=() o pid
	fresh_mdevs
	[ "$mode" = native ] && obj=(-object iommufd,id=iommufd0) opts+=,iommufd=iommufd0
	for side in dst src; do
		uuid=$U1 o=()
		[ $side = dst ] && uuid=$U2 o=(-incoming defer)
		[ "$mode" = trial ] && env=(LD_PRELOAD="$SHIM" VFIOCOMPAT_LOG="$T/$name.$side.jsonl")
		env "${env[@]}" qemu-system-x86_64 -M q35 -accel tcg -m 64M -nodefaults -display none \
			"${obj[@]}" -device "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$uuid$opts" "${o[@]}" \
			-qmp unix:"$T/$name.$side.qmp",server=on,wait=off >"$T/$name.$side.out" 2>&1 &
		echo $! >"$T/$name.$side.pid"
	done
	timeout 120 "$B/helpers/qmp-migrate" "$T/$name.src.qmp" "$T/$name.dst.qmp" "unix:$T/$name.mig" 90 \
		>"$T/$name.res" 2>&1
	for side in src dst; do
		pid=$(cat "$T/$name.$side.pid")
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	local m=no
	[ "$(res "$name" status)" = completed ] &&
		case $(res "$name" dst_status) in running | paused) true ;; *) false ;; esac && m=yes
	echo "migrated=$m" >>"$T/$name.res"
	echo "# $name: migrated=$m status=$(res "$name" status) blocker=$(res "$name" blocker) errors=[$(errlines "$T/$name.src.out")]"
}
if [ -n "$TYPE" ]; then
	declare -A OPTS=([dev]="" [auto]=",x-device-dirty-page-tracking=off"
		[on]=",x-device-dirty-page-tracking=off,enable-migration=on")
	for tr in dev auto on; do
		for mode in type1 trial native; do mig "mig-$tr.$mode" "$mode" "${OPTS[$tr]}"; done
		"$V" report --json "$T/mig-$tr.trial.src.jsonl" >"$T/mig-$tr.report" 2>&1
		CHECK_DIAG=$(cat "$T/mig-$tr.native.res" "$T/mig-$tr.native.src.out" "$T/mig-$tr.native.dst.out")
		check "mtty $tr native: QEMU ran the migration to an end" grep -q '^status=' "$T/mig-$tr.native.res"
		pm=$(pred "mig-$tr" migration)
		case $pm in
		migratable | migratable-degraded) want=yes ;;
		*) want=no ;;
		esac
		CHECK_DIAG="predicted: $pm; native: $(cat "$T/mig-$tr.native.res")"
		check "mtty $tr oracle: native migration $([ $want = yes ] && echo completed || echo blocked) as predicted ($pm)" \
			test "$(res "mig-$tr.native" migrated)" = "$want"
		cell() {
			if [ "$(res "$1" migrated)" = yes ]; then echo completed
			else echo "blocked: $(res "$1" blocker | sed 's/^[0-9a-f-]\{36\}: //')"; fi
		}
		echo "| mtty migration (${OPTS[$tr]:-,default}) | $(cell "mig-$tr.type1") | $(cell "mig-$tr.trial"); $(pred "mig-$tr" compat), migration $(pred "mig-$tr" compat_migration) | $pm | $(cell "mig-$tr.native") |" >>"$T/table.md"
	done
	for u in "$U1" "$U2"; do echo 1 >"/sys/bus/mdev/devices/$u/remove"; done
fi
{
	echo "| case | type1 | trial (compat): QEMU; report's verdict | predicted native | native run |"
	echo "|---|---|---|---|---|"
	cat "$T/table.md"
} >"$T/table.full" && mv "$T/table.full" "$T/table.md"
sed 's/^/# /' "$T/table.md"
cp "$T"/*.res "$T"/*.out "$T"/*.pred "$T"/*.report "$T"/*.jsonl "$T/table.md" "$OUTD/" 2>/dev/null
rm -rf "$T"
tap_end
