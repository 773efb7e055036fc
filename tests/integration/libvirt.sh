#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `vfiocompat libvirt` on the host against libvirt's test driver (no daemon):
# --dry-run changes nothing; enable writes the wrapper, the report dir and
# the marked qemu.conf block; the wrapper preloads the shim for a domain's
# QEMU (-name) and not for libvirt's capability probes; with no trialled
# domain left the qemu.conf block goes and the file is byte for byte the
# original. Each domain's reports go to a directory of its own, named after
# the AppArmor profile libvirt confines its QEMU with, and the rules written
# let no other domain's profile write there (compiled with apparmor_parser,
# no kernel AppArmor needed). The real daemon, QEMU and hostdev are the VM
# plan's (libvirt.sh).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
VFC=$B/vfiocompat
if [ ! -x "$B/vfiocompat-libvirt" ]; then
	tap_fail "$B/vfiocompat-libvirt not built: install libvirt-dev (scripts/install-deps libvirt)"
	tap_end
	exit 1
fi
if ! command -v apparmor_parser >/dev/null && [ ! -x /sbin/apparmor_parser ]; then
	tap_fail "apparmor_parser is not installed: the AppArmor rules cannot be compiled (scripts/install-deps build)"
	tap_end
	exit 1
fi
AAP=$(command -v apparmor_parser || echo /sbin/apparmor_parser)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# What the wrapper preloads is only passed on here: a stand-in keeps the
# (possibly sanitizer-built) shim out of the shell that plays QEMU.
SHIM=$T/lib/libvfiocompat.so
mkdir -p "$T/lib" && : >"$SHIM"
# The "emulator": prints what the wrapper handed it.
printf '#!/bin/sh\necho "args=$*"\necho "preload=${LD_PRELOAD:-}"\necho "target=${VFIOCOMPAT_TARGET:-}"\necho "log=${VFIOCOMPAT_LOG:-}"\n' >"$T/qemu"
chmod +x "$T/qemu"
cat >"$T/node.xml" <<EOX
<node><domain type='test'><name>d1</name><uuid>0b7c3a2e-6f1d-4c55-9a0e-1d2f3a4b5c6d</uuid>
<memory>65536</memory><os><type>hvm</type></os>
<devices><emulator>$T/qemu</emulator></devices></domain></node>
EOX
printf '# cgroup_device_acl = [ "/dev/null" ]\nuser = "nobody"\ncgroup_device_acl = [ "/dev/null",\n  "/dev/kvm" ]\n' >"$T/qemu.conf"
cp "$T/qemu.conf" "$T/orig.conf"
L() { "$VFC" libvirt "$@" --connect "test://$T/node.xml" --qemu-conf "$T/qemu.conf" \
	--log-dir "$T/log" --state-dir "$T/state" --target /dev/tty --lib "$SHIM" \
	--apparmor-local "$T/aa/local/abstractions/libvirt-qemu"; }
AA=$T/aa/local/abstractions/libvirt-qemu
P1=libvirt-0b7c3a2e-6f1d-4c55-9a0e-1d2f3a4b5c6d # libvirt's profile for d1: libvirt-UUID
P2=libvirt-11111111-2222-3333-4444-555555555555 # another domain's
# writes PROFILE: the path patterns under $T/log/ a libvirt-style domain profile
# named PROFILE (the libvirt-qemu abstraction's local file included) may write.
writes() {
	printf 'profile %s flags=(attach_disconnected) {\n  #include <local/abstractions/libvirt-qemu>\n}\n' \
		"$1" >"$T/prof.$1"
	"$AAP" -Q -K -T -I "$T/aa" -D rule-exprs "$T/prof.$1" 2>&1 |
		awk -v d="$T/log/" '$1 == "aare:" && index($2, d) == 1 {print $2}' | sort -u
}

out=$(L enable d1 --dry-run 2>&1); rc=$?
CHECK_DIAG=$out
check "enable --dry-run exits 0" test "$rc" = 0
check "enable --dry-run names the emulator change" grep -q "would: domain XML: <emulator>$T/qemu</emulator> -> $T/state/d1.emulator" <<<"$out"
check "enable --dry-run names the qemu.conf change and the restart" grep -q "would: restart libvirtd" <<<"$out"
check "enable --dry-run changed no file" sh -c "cmp -s '$T/orig.conf' '$T/qemu.conf' && test ! -e '$T/state' && test ! -e '$T/log'"

# libvirt's own iommufd back end needs 12.1; this host's is older (11.3).
out=$(L enable d1 --native 2>&1); rc=$?
CHECK_DIAG=$out
if [ "$(virsh -c "test://$T/node.xml" version 2>/dev/null | sed -n 's/^Using library: libvirt \([0-9]*\)\..*/\1/p')" -lt 12 ] 2>/dev/null; then
	check "enable --native on libvirt < 12.1: one line naming the version needed, exit 1" \
		test "$rc" = 1 -a "$(wc -l <<<"$out")" = 1 -a -n "$(grep -F "needs libvirt >= 12.1.0" <<<"$out")"
	check "enable --native refused: no file changed" sh -c "cmp -s '$T/orig.conf' '$T/qemu.conf' && test ! -e '$T/state' && test ! -e '$T/log'"
fi
out=$(L enable d1 --apparmor yes 2>&1); rc=$?
CHECK_DIAG=$out
check "enable exits 0" test "$rc" = 0
CHECK_DIAG=$(cat "$AA" 2>&1)
check "enable --apparmor yes: the local abstraction maps the shim (mr)" grep -qx "  $SHIM mr," "$AA"
check "... allows the node rw" grep -qx '  /dev/tty rw,' "$AA"
w1=$(writes "$P1")
CHECK_DIAG="$w1"
check "... d1's profile ($P1) may write its own report directory" grep -qx "$T/log/$P1/\*\*" <<<"$w1"
check "... and nothing else under $T/log" test -z "$(grep -v "^$T/log/$P1/" <<<"$w1")"
w2=$(writes "$P2")
CHECK_DIAG="$w2"
check "another domain's profile ($P2) may not write d1's report directory" \
	test -z "$(grep -v "^$T/log/$P2/" <<<"$w2")"
check "... lets the wrapper run the original emulator" sh -c "grep -qx '  $T/state/\* rix,' '$AA' && grep -qx '  $T/qemu rmix,' '$AA'"
check "enable: the QEMU user comes from qemu.conf without a DAC driver" grep -q "QEMU runs as nobody" <<<"$out"
check "enable: d1's report dir is named after its AppArmor profile, owned by nobody, mode 0750" \
	test "$(stat -c '%U %a' "$T/log/$P1")" = "nobody 750"
check "enable: $T/log/d1 links to it" test "$(readlink "$T/log/d1")" = "$P1"
check "enable: $T/log itself is root's, not writable by the QEMU user" test "$(stat -c '%U %a' "$T/log")" = "root 755"
check "enable: qemu.conf's old list commented, the block adds /dev/tty" \
	test "$(grep -c '^#vfiocompat-disabled: ' "$T/qemu.conf")" = 2 -a "$(grep -c '^    "/dev/tty"$' "$T/qemu.conf")" = 1
check "enable: the original list is kept in the block" grep -q '^    "/dev/kvm",$' "$T/qemu.conf"
w=$T/state/d1.emulator
check "enable: the wrapper is executable" test -x "$w"
out=$("$w" -name guest=d1,debug-threads=on -S 2>&1)
CHECK_DIAG=$out
check "wrapper: a domain's QEMU (-name) gets the shim" grep -qx "preload=$SHIM" <<<"$out"
check "wrapper: ... and VFIOCOMPAT_TARGET" grep -qx "target=/dev/tty" <<<"$out"
check "wrapper: ... and VFIOCOMPAT_LOG in the domain's own report dir" grep -qx "log=$T/log/$P1/vfiocompat-%e-%p.jsonl" <<<"$out"
check "wrapper: the arguments pass unchanged" grep -qx "args=-name guest=d1,debug-threads=on -S" <<<"$out"
out=$(LD_PRELOAD=/x.so "$w" -name d1 2>&1)
check "wrapper: an LD_PRELOAD already set is kept after the shim" grep -qx "preload=$SHIM /x.so" <<<"$out"
out=$("$w" -S -no-user-config -machine none 2>&1)
CHECK_DIAG=$out
check "wrapper: a capability probe (no -name) runs plainly" grep -qx "preload=" <<<"$out"

# The test driver keeps no state between connections: d1 is untrialled
# again, so disable finds no trialled domain and must revert qemu.conf.
echo '{"type":"start"}' >"$T/log/$P1/vfiocompat-qemu-1.jsonl"
out=$(L disable d1 2>&1); rc=$?
CHECK_DIAG="$out
$(diff "$T/orig.conf" "$T/qemu.conf")"
check "disable exits 0" test "$rc" = 0
check "disable with no trialled domain: qemu.conf is the original, byte for byte" cmp -s "$T/orig.conf" "$T/qemu.conf"
check "disable with no trialled domain: the AppArmor block is gone (the file holds nothing else)" \
	test ! -s "$AA"
check "disable keeps the domain's reports and the link to them" \
	test -s "$T/log/d1/vfiocompat-qemu-1.jsonl"
# A report root others may write: a QEMU could swap another domain's directory there.
mkdir -m 1777 "$T/openlog"
out=$("$VFC" libvirt enable d1 --connect "test://$T/node.xml" --qemu-conf "$T/qemu.conf" \
	--log-dir "$T/openlog" --state-dir "$T/state" --target /dev/tty --lib "$SHIM" \
	--apparmor no 2>&1); rc=$?
CHECK_DIAG=$out
check "a report root writable by others (1777): enable refuses, exit 1" test "$rc" = 1
check "... with one line naming it and the fix" \
	test "$(grep -c "$T/openlog is not root's alone.*chmod go-w" <<<"$out")" = 1
check "... and creates nothing in it" test -z "$(ls -A "$T/openlog")"
out=$(L enable 'a b' 2>&1); rc=$?
check "a domain name with a blank: one line, exit 2" test "$rc" = 2 -a "$(wc -l <<<"$out")" = 1
out=$(L enable nosuch 2>&1); rc=$?
CHECK_DIAG=$out
check "an unknown domain: exit 1" test "$rc" = 1
check "an unknown domain: one line naming it" test "$(grep -c "no domain 'nosuch'" <<<"$out")" = 1 -a "$(wc -l <<<"$out")" = 1
out=$(L status d1 2>&1)
check "status of an untrialled domain says so" grep -q "domain 'd1': not trialled" <<<"$out"
out=$(L status d1 --json 2>"$T/json.err"); rc=$?
CHECK_DIAG="$out $(cat "$T/json.err")"
check "status --json: one JSON object, trialled false, nothing on stderr" python3 -c '
import json, sys
o = json.loads(sys.argv[1])
assert o == {"domain": "d1", "trialled": False}, o
assert sys.argv[2] == "", sys.argv[2]' "$out" "$(cat "$T/json.err")"
out=$(L enable d1 --json 2>&1); rc=$?
check "enable --json: refused (status's option), exit 2, one line" \
	test "$rc" = 2 -a "$(wc -l <<<"$out")" = 1
tap_end
