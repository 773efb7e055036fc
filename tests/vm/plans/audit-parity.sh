#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Audit predicts what redirect records: each of the lab's clients runs in
# audit mode (type1, observe only) and redirected (iommufd), and the two
# reports must name the same features and give the same verdict, client by
# client (the static client through the module's audit). Exit statuses are
# printed, not compared.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
. "$here/lib/parity-clients.sh"
. "$here/lib/ebpf-audit.sh"
SHIM=$B/libvfiocompat.so
T=$(mktemp -d)

# sig FILE [PID]: "features=a,b verdict=V" from every summary in a report
# (one per process), or from PID's alone.
sig() { "$B/helpers/report-sig" "$@"; }

# pair NAME CMD...: CMD in audit mode, then redirected; compare the two reports.
pair() {
	local name=$1 ra rr
	shift
	rm -f "$T/a.jsonl" "$T/r.jsonl"
	VFIOCOMPAT_MODE=audit VFIOCOMPAT_LOG=$T/a.jsonl LD_PRELOAD=$SHIM "$@" >"$T/a.out" 2>&1
	ra=$?
	pre_redirect "$name"
	VFIOCOMPAT_LOG=$T/r.jsonl LD_PRELOAD=$SHIM "$@" >"$T/r.out" 2>&1
	rr=$?
	local a r
	a=$(sig "$T/a.jsonl") r=$(sig "$T/r.jsonl")
	echo "# $name: audit rc=$ra $a | redirect rc=$rr $r"
	# Exit statuses may differ (a probe of a feature iommufd lacks fails there):
	# what audit must predict is the report, not the program's fate.
	CHECK_DIAG="audit: $a; redirect: $r"
	check "$name: audit predicts redirect's features and verdict" test "$a" = "$r" -a "$a" != "features=none verdict=none"
	CHECK_DIAG=
}
pre_redirect() { :; }

# The clients (lib/parity-clients.sh); kept: the dynamic twin of the static
# client (edu type1 v1), compared with it below.
after_pair() {
	case $1 in
	"edu type1 v1")
		cp "$T/a.jsonl" "$T/v1.a.jsonl"
		cp "$T/r.jsonl" "$T/v1.r.jsonl"
		;;
	"GET_INFO into a large buffer")
		check "... the client itself found DMA_AVAIL in both modes" \
			test "$(grep -c 'caps: dma_avail=1' "$T/a.out" "$T/r.out" | awk -F: '{s += $2} END {print s}')" = 2
		;;
	dpdk-testpmd)
		check "... testpmd sent its burst in both modes" \
			test "$(grep -c 'TX-packets: *[1-9]' "$T/a.out")" -ge 1 -a "$(grep -c 'TX-packets: *[1-9]' "$T/r.out")" -ge 1
		;;
	esac
}
parity_clients

# The static client, which LD_PRELOAD cannot reach: its prediction comes from
# the eBPF audit of type1 (vfiocompat audit), and must equal what the shim
# records for the same code (the same source, linked dynamically: the "edu
# type1 v1" pair above) redirected, and what the shim predicts for it in
# audit mode.
if audit_start "$T/k"; then
	"$B/examples/vfio-dma-edu-static" --v1 "$VFC_EDU" >"$T/s.out" 2>&1 &
	spid=$!
	wait "$spid"
	src=$?
	audit_stop
	cat "$T"/k/*.jsonl >"$T/k.jsonl" 2>/dev/null
	k=$(sig "$T/k.jsonl" "$spid")
	r=$(sig "$T/v1.r.jsonl") a=$(sig "$T/v1.a.jsonl")
	echo "# static client: eBPF audit rc=$src $k | dynamic twin (edu type1 v1 above) redirected $r"
	CHECK_DIAG="eBPF audit: $k; shim redirect: $r; $(cat "$T/s.out")"
	check "static client: the eBPF audit predicts what redirect records for its code" \
		test "$src" = 0 -a "$k" = "$r" -a "$k" != "features=none verdict=none"
	check "static client: the eBPF audit and the shim's audit predict alike" test "$k" = "$a"
	CHECK_DIAG=
else
	tap_fail "vfiocompat audit did not start: the static client's audit cannot run" "$(cat "$T/k.err")"
fi

tap_end
