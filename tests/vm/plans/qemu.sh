#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# QEMU itself as the client: `-device vfio-pci` with the guest's e1000e,
# plainly and under the shim. QMP must show the assigned device with its
# BARs; under the shim QEMU must hold /dev/iommu only and its guest RAM must
# have been mapped through the redirected container.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
Q=$B/helpers/report-query
SHIM=$B/libvfiocompat.so
BDF=${VFC_E1000E:?e1000e not bound}
T=$(mktemp -d)

top=$(cd "$here/../../.." && pwd)

trial() { # trial NAME [PREFIX...]: start QEMU (behind PREFIX), query it, record its fds
	local name=$1; shift
	"$@" qemu-system-x86_64 -M q35 -accel tcg -m 128M -nodefaults -display none -S \
		-device vfio-pci,host="$BDF" -qmp unix:"$T/$name.sock",server=on,wait=off \
		>"$T/$name.out" 2>&1 &
	local pid=$!
	# The fds are read once QEMU answered query-pci (its init is done), before
	# the quit; behind a launcher (strace, a trial script) QEMU is a descendant.
	"$B/helpers/qmp-query-pci" "$T/$name.sock" 120 \
		"ls -l /proc/\$(pgrep -n -x qemu-system-x86 || pgrep -n -f 'qemu-system-x86_64 .*qmp unix:$T/$name.sock')/fd >'$T/$name.fds'" \
		>"$T/$name.pci" 2>&1
	local qrc=$?
	# QMP failed: the -S QEMU would wait for ever; stop it now.
	[ "$qrc" = 0 ] || { echo "# $name: QMP failed (exit $qrc), stopping QEMU"; kill -TERM "$pid" 2>/dev/null; }
	wait_for "$pid" 60 "QEMU ($name) after quit"
	echo $? >"$T/$name.rc"
}
# ioctls FILE REQUEST [-1]: how many times strace saw the raw ioctl REQUEST (raw:
# the fd is printed in hex)
# issued (a call another thread interrupted is "<unfinished ...>": counted),
# or, with -1, fail.
ioctls() {
	if [ "${3:-}" = -1 ]; then
		grep -Ec "^[0-9]+ +ioctl\((0x)?[0-9a-f]+, $2,.*\) += -1" "$1"
	else
		grep -Ec "^[0-9]+ +ioctl\((0x)?[0-9a-f]+, $2," "$1"
	fi
}

# The plain run under strace: its MAP_DMA (0x3b71) calls are the oracle for the
# shim's counters (the same QEMU maps the same guest RAM the same way).
trial plain strace -f -qq -e trace=ioctl -e raw=ioctl -o "$T/plain.st"
np_map=$(ioctls "$T/plain.st" 0x3b71) np_err=$(ioctls "$T/plain.st" 0x3b71 -1)
echo "# plain QEMU: $np_map MAP_DMA ($np_err failed)"
CHECK_DIAG=$(cat "$T/plain.out" "$T/plain.pci")
check "plain QEMU shows the assigned e1000e (8086:10d3) with BARs" grep -Eq '^dev 8086:10d3 bars=[1-9]' "$T/plain.pci"
check "plain QEMU exits cleanly after quit" test "$(cat "$T/plain.rc")" = 0
check "plain QEMU holds /dev/vfio/vfio" grep -q ' -> /dev/vfio/vfio$' "$T/plain.fds"

trial shim env VFIOCOMPAT_SHIM="$SHIM" VFIOCOMPAT_LOG="$T/r.jsonl" "$top/examples/qemu-trial.sh"
CHECK_DIAG=$(cat "$T/shim.out" "$T/shim.pci" "$T/r.jsonl" 2>/dev/null)
check "examples/qemu-trial.sh printed the verdict and the report path" \
	grep -q "qemu-trial: exit 0; verdict: ready-with-differences (features: dma_avail); report: $T/r.jsonl" "$T/shim.out"
check "QEMU under the shim shows the assigned e1000e with BARs" grep -Eq '^dev 8086:10d3 bars=[1-9]' "$T/shim.pci"
check "QEMU under the shim exits cleanly after quit" test "$(cat "$T/shim.rc")" = 0
check "QEMU under the shim holds /dev/iommu" grep -q ' -> /dev/iommu$' "$T/shim.fds"
check "QEMU under the shim holds no /dev/vfio/vfio" sh -c "! grep -q ' -> /dev/vfio/vfio\$' '$T/shim.fds'"
check "report: the container was redirected" test "$("$Q" "$T/r.jsonl" open action node=container)" = redirected
check "report: the group was attached" test "$("$Q" "$T/r.jsonl" attach ret)" = 0
calls=$("$Q" "$T/r.jsonl" summary ioctls.IOMMU_MAP_DMA.calls)
check "plain QEMU mapped its guest RAM (MAP_DMA: $np_map)" test "$np_map" -gt 0
check "report: guest RAM mapped through the container, as many MAP_DMA as plain ($calls vs $np_map)" \
	test "$calls" = "$np_map"
check "report: no MAP_DMA failed, as plain ($np_err)" test "$("$Q" "$T/r.jsonl" summary ioctls.IOMMU_MAP_DMA.errors)" = "$np_err"
echo "# QEMU verdict: $("$Q" "$T/r.jsonl" summary verdict); features: $("$Q" "$T/r.jsonl" summary features)"
check "report: a verdict was written at exit" test "$("$Q" "$T/r.jsonl" summary verdict)" != MISSING
rm -rf "$T"
tap_end
