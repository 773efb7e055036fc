# SPDX-License-Identifier: GPL-2.0-only
# Sourced by the module plans (module.sh, module-robust.sh): their names and
# paths, and step 1, loading vfiocompat.ko and checking its node. Exits the
# plan when the module cannot be loaded, since nothing after can run.
top=$(cd "$here/../../.." && pwd)
Q=$B/helpers/report-query
KO=$B/kernel/vfiocompat.ko
# The 6.12 lab's copy, built against its tree (make check-vm). The arm64
# lab's B is the arm64 build: its kernel/ holds make module-arm64's copy.
case $(uname -r) in 6.12.*) KO=$B/kernel-6.12/vfiocompat.ko ;; esac
NODE=/dev/vfio/iommufd-compat
SHIM=$B/libvfiocompat.so
EDU=$B/examples/vfio-dma-edu
EDU_STATIC=$B/examples/vfio-dma-edu-static
PROBE=$B/examples/vfio-feature-probe
M=$B/helpers/memlock
MN=$B/helpers/modnode
ST=${VFC_KSRC:?}/tools/testing/selftests/vfio
EXPECTED=$here/../peer-expected.txt
T=$(mktemp -d)
mount -t debugfs none /sys/kernel/debug 2>/dev/null
echo 128 >/proc/sys/vm/nr_hugepages
mkdir -p /dev/hugepages && mount -t hugetlbfs none /dev/hugepages 2>/dev/null

loaded() { grep -q '^vfiocompat ' /proc/modules; }
unload() { loaded && rmmod vfiocompat; ! loaded; }

# 1. Load.
if [ ! -f "$KO" ]; then
	tap_fail "vfiocompat.ko not built at $KO (make B=... module)"
	tap_end
	exit 1
fi
unload
out=$(insmod "$KO" 2>&1); rc=$?
check "insmod vfiocompat.ko" test "$rc" = 0
if ! loaded; then
	tap_fail "module not loaded; the rest needs it" "$out" "$(dmesg | tail -5)"
	tap_end
	exit 1
fi
CHECK_DIAG=$(ls -l "$NODE" /dev/vfio 2>&1)
node_major=$(awk '$2 == "vfiocompat" {print $1}' /proc/devices)
check "$NODE is a char device on the module's own major ($node_major, not misc's 10: no misc_mtx)" \
	test -c "$NODE" -a -n "$node_major" -a "$node_major" != 10 -a "$((16#$(stat -c %t "$NODE")))" = "${node_major:-x}"
check "$NODE has mode 0666 (as /dev/vfio/vfio)" test "$(stat -c %a "$NODE")" = 666
check "device vfiocompat in /sys/class/vfiocompat, not misc" test -e /sys/class/vfiocompat/vfiocompat -a ! -e /sys/class/misc/vfiocompat
check "one load line in the kernel log" test "$(dmesg | grep -c 'vfiocompat: providing /dev/vfio/iommufd-compat')" -ge 1
check "a fresh open counts pinned memory per process (RLIMIT_MODE 1)" test "$("$MN" mode "$NODE")" = rlimit_mode=1
node_dev=$(stat -c '%t:%T' "$NODE")
node_dev=$((16#${node_dev%%:*})):$((16#${node_dev##*:}))
