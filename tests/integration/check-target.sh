#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `vfiocompat check` answers for the VMM, not the shell (issue 30): with
# --config the target kernel's configuration answers (one FAIL with one
# remedy for a kernel that cannot have iommufd, the lines it decides SKIP,
# no modprobe hint), and what only the running kernel can say is marked as
# its; with --user the node access, RLIMIT_MEMLOCK and CAP_SYS_RESOURCE
# lines judge that user, not root's shell. Kernel configs are fixtures
# (tests/fixtures/kconfig). Runs in ns-run's private /dev (stand-in nodes).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
B=${B:?B must name the build directory}
# VFC_EXEC_WRAP: a runner for the built programs (check-arm64: qemu-aarch64).
X=${VFC_EXEC_WRAP:-}
V=$B/vfiocompat
K=$here/../fixtures/kconfig
T=$(mktemp -d "${TMPDIR:-/tmp}/vfc-target.XXXXXX")
trap 'rm -rf "$T"' EXIT
v() { $X "$V" "$@" >"$T/o" 2>"$T/e"; }
# line NAME: the check line named NAME ("  STATUS  NAME  detail").
# ("kernel" is not "kernel vs lab", "kernel config" or "kernel differences".)
line() { grep -E "^  [A-Z]{4}  $1 " "$T/o" | grep -vE "^  [A-Z]{4}  $1 (vs lab|config|differences) "; }
# status_is NAME STATUS
status_is() {
	local got
	got=$(line "$1" | awk '{ print $1 }' | sort -u | tr '\n' ' ')
	[ "$got" = "$2 " ] || { CHECK_DIAG="$1: got '$got', want '$2'; $(line "$1")"; return 1; }
}
# no_hint NAME: the line named NAME has no "->" hint after it.
no_hint() {
	! grep -A1 -E "^  [A-Z]{4}  $1 " "$T/o" | tail -n +2 | grep -q -- '->' ||
		{ CHECK_DIAG=$(grep -A1 -E "^  [A-Z]{4}  $1 " "$T/o"); return 1; }
}

# --- a kernel that cannot have iommufd: one FAIL, one remedy, the rest SKIP
v check --config "$K/no-iommufd-6.12.config"; rc=$?
check "no CONFIG_IOMMUFD: exit 1" rc_is "$rc" 1
CHECK_DIAG=$(grep -iE '^  FAIL .*iommufd' "$T/o")
check "no CONFIG_IOMMUFD: exactly one FAIL about iommufd" test "$(grep -ciE '^  FAIL .*iommufd' "$T/o")" = 1
check "... it is CONFIG_IOMMUFD" status_is CONFIG_IOMMUFD FAIL
check "... with one remedy: build and boot a kernel with CONFIG_IOMMUFD" \
	sh -c "grep -A1 '^  FAIL  CONFIG_IOMMUFD ' '$T/o' | tail -n 1 | grep -q -- '-> build and boot a kernel with CONFIG_IOMMUFD'"
for n in /dev/iommu 'iommufd module' CONFIG_IOMMUFD_VFIO_CONTAINER CAP_SYS_RESOURCE; do
	check "no CONFIG_IOMMUFD: $n SKIPs, without a hint" sh -c "$(declare -f line status_is no_hint); T='$T'; status_is '$n' SKIP && no_hint '$n'"
done
check "no CONFIG_IOMMUFD: no 'modprobe iommufd' anywhere" hasnt "$T/o" 'modprobe iommufd'
CHECK_DIAG=$(grep -E '^  WARN  (/dev/iommu|iommufd|CONFIG_IOMMUFD)' "$T/o")
check "no CONFIG_IOMMUFD: no WARN on an iommufd line either" test -z "$CHECK_DIAG"
check "the summary counts the skipped lines" has "$T/o" ', [0-9]* skipped (answered by a FAIL above)$'
v check --json --config "$K/no-iommufd-6.12.config"
check "--json: SKIP is a status too" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
k = {c["name"]: c for c in o["checks"]}
assert k["/dev/iommu"]["status"] == "SKIP" and "hint" not in k["/dev/iommu"], k["/dev/iommu"]
assert k["CONFIG_IOMMUFD"]["status"] == "FAIL"' "$T/o"

# --- a kernel too old for iommufd: the kernel line is the one FAIL
v check --config "$K/old-5.15.config"
check "Linux 5.15: the kernel line FAILs" status_is kernel FAIL
check "... and CONFIG_IOMMUFD SKIPs (same root cause)" status_is CONFIG_IOMMUFD SKIP
CHECK_DIAG=$(grep -iE '^  FAIL .*iommufd' "$T/o")
check "... one FAIL about iommufd in all" test "$(grep -ciE '^  FAIL .*iommufd' "$T/o")" = 1

# --- another kernel with iommufd: the running kernel's probes are marked, not judged
rel=$(uname -r)
v check --config "$K/iommufd-6.12.config"
check "target kernel with iommufd: CONFIG_IOMMUFD passes" status_is CONFIG_IOMMUFD PASS
for n in /dev/iommu /dev/vfio/vfio 'iommufd module' 'vfio module'; do
	check "target kernel: $n is marked as the running kernel's ($rel)" \
		sh -c "grep -E '^  [A-Z]{4}  $n +running kernel $rel: ' '$T/o' >/dev/null"
	check "target kernel: $n is no WARN or FAIL of the target" \
		sh -c "! grep -E '^  (WARN|FAIL)  $n ' '$T/o'"
done
check "target kernel: the IOMMU line says it is the running kernel's" has "$T/o" "^  [A-Z]*  IOMMU .*(running kernel $rel)"
check "target kernel: no modprobe hint (the running kernel is not the target)" hasnt "$T/o" 'modprobe'
# The running kernel's own config, named with --config: nothing to mark.
{ printf '# Linux/x86 %s Kernel Configuration\n' "$rel"; grep CONFIG_ "$K/iommufd-6.12.config"; } >"$T/same.config"
v check --config "$T/same.config"
check "--config of the running kernel's release: probes not marked" hasnt "$T/o" 'running kernel'

# --- --user: the VMM's user, not root's shell
# Same-kernel config with iommufd, so CAP_SYS_RESOURCE is asked; /dev/iommu root's only.
chmod 0600 /dev/iommu
v check --config "$T/same.config"
check "as root's shell: CAP_SYS_RESOURCE judged for this shell (uid 0)" \
	has "$T/o" "^  [A-Z]*  CAP_SYS_RESOURCE .*\\(held\\|uid 0\\)"
check "as root's shell: /dev/iommu usable by uid 0" has "$T/o" '^  PASS  /dev/iommu .*usable by uid 0'
check "as root's shell: RLIMIT_MEMLOCK is this shell's" has "$T/o" 'RLIMIT_MEMLOCK .*for this shell'
v check --config "$T/same.config" --user nobody
check "--user nobody: CAP_SYS_RESOURCE is not root's PASS" sh -c "$(declare -f line status_is); T='$T'; ! status_is CAP_SYS_RESOURCE PASS"
check "--user nobody: CAP_SYS_RESOURCE judged for nobody's VMM" has "$T/o" "^  WARN  CAP_SYS_RESOURCE .*nobody's VMM"
check "--user nobody: /dev/iommu not read-writable by nobody" has "$T/o" '^  WARN  /dev/iommu .*not read-writable by nobody'
check "--user nobody: RLIMIT_MEMLOCK is not this shell's" hasnt "$T/o" 'for this shell'
check "--user nobody: no line speaks of uid 0" hasnt "$T/o" 'uid 0\b'
chmod 0666 /dev/iommu
tap_end
