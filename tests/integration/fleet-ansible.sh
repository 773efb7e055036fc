#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The Ansible playbook (ansible/, issue 30), run for real with Debian's
# ansible-core: two inventory hosts (ansible_connection=local, each its own
# root where the package built by `make deb` is unpacked, its trials in a
# UTS namespace named after it, inside ns-run's private /dev) get the
# package, `vfiocompat check`, trials under the shim; the controller fetches
# the reports and merges them with `vfiocompat report --by host`. Run twice:
# the second run changes nothing (PLAY RECAP changed=0).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
. "$here/../lib/suite.sh"
# Under make sanitize the trialled probe is an ASan build and the package's
# shim a plain one: ASan must not insist on coming first (SAN_ENV).
suite_build
suite_tmp ansible
command -v ansible-playbook >/dev/null || { tap_fail "ansible-playbook is installed (scripts/install-deps build: ansible-core)"; tap_end; exit 1; }

# The package: make deb reuses it when no packaged file changed (deb.sh built it).
s=$(date +%s)
make -s -C "$top" B="$B" "$B/deb/stamp" >"$T/deb.log" 2>&1; rc=$?
DEB=$(ls "$B"/deb/vfiocompat_*.deb 2>/dev/null | head -n 1)
CHECK_DIAG=$(tail -n 20 "$T/deb.log")
check "the package is built (make deb, $(($(date +%s) - s)) s)" test "$rc" = 0 -a -f "$DEB"

# Two hosts, each with its own root; fleet-b's second trial fails (exit 1).
I=$T/inventory
mkdir -p "$I/host_vars" "$T/a" "$T/b"
cat >"$I/hosts" <<EOI
[vfiocompat_hosts]
fleet-a ansible_connection=local vfiocompat_root=$T/a vfiocompat_uts_name=kvm-a
fleet-b ansible_connection=local vfiocompat_root=$T/b vfiocompat_uts_name=kvm-b

[all:vars]
ansible_python_interpreter=/usr/bin/python3
EOI
cat >"$I/host_vars/fleet-a.yml" <<EOI
vfiocompat_trials:
  - {id: probe-1, argv: ["$PROBE", open, /dev/vfio/vfio]}
  - {id: probe-2, argv: ["$PROBE", open, /dev/vfio/vfio]}
EOI
cat >"$I/host_vars/fleet-b.yml" <<EOI
vfiocompat_trials:
  - {id: probe, argv: ["$PROBE", open, /dev/vfio/vfio]}
  - {id: fails, argv: [sh, -c, "exec 3</dev/vfio/vfio; exit 1"]}
EOI
F=$T/fetched
play() {
	# In $T: no ansible.cfg of the caller's directory; its state under $T too.
	(cd "$T" && env "${SAN_ENV[@]}" ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_HOME="$T/ansible-home" \
		ANSIBLE_LOCAL_TEMP="$T/ansible-tmp" ANSIBLE_REMOTE_TEMP="$T/ansible-tmp" \
		ansible-playbook -i "$I/hosts" "$top/ansible/playbook.yml" \
		-e vfiocompat_deb="$DEB" -e vfiocompat_fetch_dir="$F" \
		-e vfiocompat_controller_bin="$T/a/usr/bin/vfiocompat" "$@")
}
recap() { sed -n '/^PLAY RECAP/,$p' "$1"; }
# run_play N WHAT: the playbook's run N, its output in $T/runN; checks WHAT
# (it exited 0; the check names its duration) and shows its PLAY RECAP.
run_play() {
	local n=$1 s rc
	s=$(date +%s%N)
	play >"$T/run$n" 2>&1; rc=$?
	CHECK_DIAG=$(tail -n 40 "$T/run$n")
	check "$2 ($((($(date +%s%N) - s) / 1000000)) ms)" test "$rc" = 0
	recap "$T/run$n" | sed "s/^/# run $n: /"
}
# changed_both RUN: the PLAY RECAP of RUN says each host changed.
changed_both() { recap "$1" | grep -q '^fleet-a .* changed=[1-9]' && recap "$1" | grep -q '^fleet-b .* changed=[1-9]'; }
# fetched_per_host N: the controller holds N reports of each host.
fetched_per_host() {
	test "$(ls "$F/fleet-a"/*.jsonl | wc -l)" = "$1" -a "$(ls "$F/fleet-b"/*.jsonl | wc -l)" = "$1"
}

run_play 1 "first run: ansible-playbook exit 0"
check "first run changed both hosts" changed_both "$T/run1"
check "the package's files are in each root (dpkg-deb -x of $(basename "$DEB"))" sh -c "test -x '$T/a/usr/bin/vfiocompat' -a -x '$T/b/usr/bin/vfiocompat' && ls '$T'/a/usr/lib/*/libvfiocompat.so >/dev/null"
check "check ran on each host" sh -c "test \$(grep -c '\"msg\": \"check: ' '$T/run1') = 2"
check "the reports were fetched: 2 per host" fetched_per_host 2
CHECK_DIAG=$(cat "$F/fleet-report.txt" 2>&1)
check "merged with report --by host: kvm-a ready (2 processes)" grep -q '^kvm-a  *ready  *2 ' "$F/fleet-report.txt"
check "... kvm-b failed (2 processes: 1 ready, 1 failed)" grep -q '^kvm-b  *failed  *2  *1  *0  *0  *0  *0  *1 ' "$F/fleet-report.txt"
grep -E '^(HOST|kvm-)' "$F/fleet-report.txt" | sed 's/^/# fleet-report.txt: /'
check "the JSON merge agrees" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
assert {g["host"]: g["verdict"] for g in o["groups"]} == {"kvm-a": "ready", "kvm-b": "failed"}, o["groups"]
' "$F/fleet-report.json"

run_play 2 "second run: exit 0"
n=$(recap "$T/run2" | grep -cE '^(fleet-a|fleet-b|localhost) +: ok=[1-9][0-9]* +changed=0 +unreachable=0 +failed=0')
check "second run: PLAY RECAP changed=0 failed=0 for fleet-a, fleet-b and localhost" test "$n" = 3
check "... and no trial ran again (still 2 reports per host)" fetched_per_host 2
tap_end
