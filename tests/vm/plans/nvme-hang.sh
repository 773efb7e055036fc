#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Diagnosis plan (not in the suite; docs/vm-lab.md "qemu-io nvme:// hangs"):
# runs qemu-io nvme:// write+read in a sequence of modes inside one boot and
# reports each outcome, to measure how often and after what a run hangs. The
# sequence comes from $B/nvme-hang.env (NVME_HANG_SEQ="plain shim ...",
# NVME_HANG_TIMEOUT=40); modes: plain, shim (redirect + fix-ups), rearm
# (tests/vm/nvme-rearm). With VFC_VM_QEMU_EXTRA="-trace
# events=tests/vm/nvme-trace-events,file=TRACE", tests/vm/nvme-msi-count TRACE
# shows which completions became interrupts.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
SHIM=$B/libvfiocompat.so
NVME_HANG_SEQ="plain shim"
NVME_HANG_TIMEOUT=40
[ -f "$B/nvme-hang.env" ] && . "$B/nvme-hang.env"
T=$(mktemp -d)
n=0
for mode in $NVME_HANG_SEQ; do
	n=$((n + 1))
	env=()
	case $mode in
	plain) ;;
	shim) env=("LD_PRELOAD=$SHIM" "VFIOCOMPAT_LOG=$T/$n.jsonl") ;;
	rearm) "$here/../nvme-rearm" "$VFC_NVME"; echo "# rearm exit $?"; continue ;;
	*) echo "# unknown mode $mode"; continue ;;
	esac
	echo "### attempt $n $mode start $(date +%s.%N)" >/dev/kmsg
	t0=$(date +%s.%N)
	env "${env[@]}" timeout -k 5 "$NVME_HANG_TIMEOUT" qemu-io -f raw \
		-c 'write -P 0x5a 0 1M' -c 'read -P 0x5a 0 1M' "nvme://$VFC_NVME/1" >"$T/io" 2>&1
	rc=$?
	t1=$(date +%s.%N)
	echo "### attempt $n $mode rc $rc" >/dev/kmsg
	CHECK_DIAG=$(cat "$T/io")
	check "attempt $n $mode rc=$rc ($(echo "$t1 - $t0" | bc)s)" test "$rc" = 0
done
echo "# dmesg (tail):"
dmesg | tail -n 40 | sed 's/^/# /'
rm -rf "$T"
tap_end
