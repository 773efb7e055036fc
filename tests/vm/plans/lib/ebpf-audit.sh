# SPDX-License-Identifier: GPL-2.0-only
# Sourced by the plans that run the eBPF audit (vfiocompat audit) around a
# client: ebpf-audit.sh, audit-parity.sh, p2p-static.sh, module-robust.sh.
# Needs B.
# shellcheck shell=bash
APID=
# audit_start DIR [OPTIONS...]: the audit in the background, until it is
# attached (DIR emptied first; its output in DIR.out, its messages DIR.err).
audit_start() {
	local d=$1
	shift
	rm -rf "$d"
	mkdir -p "$d"
	"$B/vfiocompat" audit -o "$d" "$@" >"$d.out" 2>"$d.err" &
	APID=$!
	for _ in $(seq 600); do
		grep -q 'watching' "$d.err" 2>/dev/null && return 0
		kill -0 "$APID" 2>/dev/null || break
		sleep 0.2
	done
	echo "# audit did not start: $(cat "$d.err")"
	return 1
}
# audit_stop: SIGINT, as Ctrl-C; its exit status.
audit_stop() {
	kill -INT "$APID" 2>/dev/null
	wait_for "$APID" 60 "vfiocompat audit"
}
