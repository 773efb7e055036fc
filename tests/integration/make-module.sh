#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `make module` (issue 30): without KDIR it builds against the running
# kernel's build tree (/lib/modules/$(uname -r)/build, from linux-headers),
# not the VM lab's; a missing tree, or one without CONFIG_IOMMUFD, is one line
# naming what to do. Builds into its own B: the suite's module is untouched.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../lib/tap.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/vfc-mod.XXXXXX")
trap 'rm -rf "$T"' EXIT
rel=$(uname -r)
run_dir=/lib/modules/$rel/build

make -s -C "$top" B="$T/b" KDIR= module >"$T/o" 2>&1; rc=$?
CHECK_DIAG=$(cat "$T/o")
check "make module without KDIR uses $run_dir, not the lab's kernel" grep -qx "$run_dir" "$T/b/kernel/kdir.stamp"
if [ -f "$run_dir/Makefile" ] && grep -Eqs '^CONFIG_IOMMUFD=(y|m)$' "$run_dir/include/config/auto.conf" "$run_dir/.config"; then
	check "... and builds vfiocompat.ko for $rel" sh -c "test $rc = 0 && modinfo -F vermagic '$T/b/kernel/vfiocompat.ko' | grep -q '^$rel '"
elif [ -f "$run_dir/Makefile" ]; then
	check "... which has no CONFIG_IOMMUFD: fails with one line saying so" sh -c "test $rc != 0 && grep -c '^module: ' '$T/o' | grep -qx 1 && grep -q 'without CONFIG_IOMMUFD' '$T/o'"
else
	check "... which is missing: fails with one line naming linux-headers-$rel and KDIR=" sh -c "test $rc != 0 &&
		grep -c '^module: ' '$T/o' | grep -qx 1 && grep -q 'no kernel build tree at $run_dir: install linux-headers-$rel, or make module KDIR=' '$T/o'"
fi
make -s -C "$top" B="$T/b" KDIR="$T/none" module >"$T/o" 2>&1; rc=$?
CHECK_DIAG=$(cat "$T/o")
check "make module KDIR=<not a tree>: fails with one line naming it" sh -c "test $rc != 0 && grep -c '^module: ' '$T/o' | grep -qx 1 && grep -q 'KDIR=$T/none is not a kernel build tree' '$T/o'"
mkdir -p "$T/k/include/config"
printf 'all:\n' >"$T/k/Makefile"
printf 'CONFIG_VFIO=y\n# CONFIG_IOMMUFD is not set\n' >"$T/k/.config"
cp "$T/k/.config" "$T/k/include/config/auto.conf"
make -s -C "$top" B="$T/b" KDIR="$T/k" module >"$T/o" 2>&1; rc=$?
CHECK_DIAG=$(cat "$T/o")
check "make module KDIR=<a kernel without CONFIG_IOMMUFD>: fails with one line saying so" sh -c "test $rc != 0 && grep -c '^module: ' '$T/o' | grep -qx 1 && grep -q 'without CONFIG_IOMMUFD' '$T/o'"
check "the check targets pass the lab's kernel tree explicitly" sh -c "
	sed -n '/^check-module:/,/^\$/p' '$top/Makefile' | grep -q 'MAKE) module KDIR=' &&
	sed -n '/^check-vm:/,/^\$/p' '$top/Makefile' | grep -q 'MAKE) module KDIR=' &&
	grep -q '^LAB_KDIR_CMD = .*tests/vm/build-kernel' '$top/Makefile'"
tap_end
