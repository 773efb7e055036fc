#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The configuration examples must be valid for the tools that read them:
# the libvirt fragment is well-formed XML, the systemd drop-in passes
# systemd-analyze verify on a unit that uses it, the trial scripts parse.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
ex=$here/../../examples
T=$(mktemp -d "${TMPDIR:-/tmp}/vfc-ex.XXXXXX")
trap 'rm -rf "$T"' EXIT

if command -v xmllint >/dev/null; then
	CHECK_DIAG=$(xmllint --noout "$ex/libvirt-domain.xml" 2>&1)
	check "libvirt-domain.xml is well-formed XML" xmllint --noout "$ex/libvirt-domain.xml"
	check "libvirt fragment sets LD_PRELOAD through qemu:env" \
		test "$(xmllint --xpath "string(//*[local-name()='env'][@name='LD_PRELOAD']/@value)" "$ex/libvirt-domain.xml")" = /usr/local/lib/libvfiocompat.so
else
	tap_skip "libvirt-domain.xml" "xmllint not installed (libxml2-utils)"
fi
if command -v systemd-analyze >/dev/null; then
	verify() { # verify DROPIN: systemd-analyze's complaints about a unit using it
		rm -rf "$T/units"
		mkdir -p "$T/units/vmm.service.d"
		printf '[Unit]\nDescription=test VMM\n[Service]\nExecStart=/bin/true\n' >"$T/units/vmm.service"
		cp "$1" "$T/units/vmm.service.d/trial.conf"
		SYSTEMD_UNIT_PATH="$T/units:" systemd-analyze verify --man=no vmm.service 2>&1 | grep 'trial.conf'
	}
	out=$(verify "$ex/vfiocompat-trial.conf")
	CHECK_DIAG=$out
	check "systemd drop-in passes systemd-analyze verify" test -z "$out"
	# Control: the same check must see a broken drop-in, or it proves nothing.
	sed 's/^Environment=LD_PRELOAD/EnvironmentBogus=LD_PRELOAD/' "$ex/vfiocompat-trial.conf" >"$T/bad.conf"
	check "systemd-analyze does read the drop-in (a bad key is reported)" test -n "$(verify "$T/bad.conf")"
else
	tap_skip "vfiocompat-trial.conf" "systemd-analyze not installed"
fi
for s in "$ex"/*-trial.sh; do
	check "$(basename "$s") parses" bash -n "$s"
	out=$("$s" 2>&1); rc=$?
	check "$(basename "$s") without arguments: usage line, exit 2" test "$rc" = 2 -a "$(grep -c usage <<<"$out")" = 1
done
out=$(VFIOCOMPAT_SHIM=/nonexistent.so "$ex/qemu-trial.sh" true 2>&1); rc=$?
check "trial script with a missing library: one clear line, exit 2" test "$rc" = 2 -a "$(wc -l <<<"$out")" = 1
tap_end
