#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# vfiocompat.ko in the lab kernel: its node is iommufd with type1's
# per-process accounting (edu DMA, the kernel's VFIO selftests, RLIMIT_MEMLOCK
# for unprivileged users). module-robust.sh covers its robustness.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
. "$here/../module-load.sh"

# 2. Real DMA with edu through the shim targeting the node.
for v in "" --v1; do
	name="type1${v:+ v1}"
	rm -f "$T/e.jsonl"
	out=$(VFIOCOMPAT_TARGET=$NODE VFIOCOMPAT_LOG=$T/e.jsonl LD_PRELOAD=$SHIM "$EDU" $v --list-fds "$VFC_EDU" 2>&1); rc=$?
	CHECK_DIAG="$out $(cat "$T/e.jsonl" 2>/dev/null)"
	check "edu DMA round trip through the module node ($name)" test "$rc" = 0
	check "/proc/PID/fd shows $NODE ($node_dev), no /dev/vfio/vfio ($name)" \
		test -n "$(grep -E "fd [0-9]+ -> $NODE char=$node_dev\$" <<<"$out")" -a -z "$(grep -E 'fd [0-9]+ -> /dev/vfio/vfio ' <<<"$out")"
	check "shim report: redirected to the node, attach ok ($name)" \
		test "$("$Q" "$T/e.jsonl" open target node=container)/$("$Q" "$T/e.jsonl" attach ret)" = "$NODE/0"
	check "shim report: memlock process without setting it ($name)" test "$("$Q" "$T/e.jsonl" summary memlock)" = process
done
rm -f "$T/d.jsonl"
out=$(VFIOCOMPAT_LOG=$T/d.jsonl LD_PRELOAD=$SHIM "$EDU" --list-fds "$VFC_EDU" 2>&1); rc=$?
CHECK_DIAG="$out $(cat "$T/d.jsonl" 2>/dev/null)"
check "without VFIOCOMPAT_TARGET the shim picks the loaded module's node" \
	test "$rc/$("$Q" "$T/d.jsonl" start target)" = "0/$NODE"
out=$("$B/vfiocompat" run --mount-ns -- "$EDU_STATIC" --list-fds "$VFC_EDU" 2>&1); rc=$?
CHECK_DIAG=$out
check "static client via vfiocompat run --mount-ns (default target: the loaded module's node): edu DMA works" \
	test "$rc" = 0 -a -n "$(grep -E "fd [0-9]+ -> /dev/vfio/vfio char=$node_dev\$" <<<"$out")"

# 3. Accounting: 16 MiB RLIMIT_MEMLOCK, CAP_IPC_LOCK and CAP_SYS_RESOURCE dropped.
plain=$("$M" "$VFC_EDU" 16 --no-sys-resource 2>&1)
mod=$(VFIOCOMPAT_TARGET=$NODE VFIOCOMPAT_RLIMIT=user LD_PRELOAD=$SHIM "$M" "$VFC_EDU" 16 --no-sys-resource 2>"$T/err")
iommu=$(VFIOCOMPAT_TARGET=/dev/iommu VFIOCOMPAT_LOG=$T/i.jsonl LD_PRELOAD=$SHIM "$M" "$VFC_EDU" 16 --no-sys-resource 2>"$T/err")
echo "# 16 MiB limit, no CAP_SYS_RESOURCE: type1: $plain | module node: $mod | /dev/iommu: $iommu ($("$Q" "$T/i.jsonl" rlimit errno))"
CHECK_DIAG=$plain
check "type1 stops at the 16 MiB limit with ENOMEM" grep -Eq '^mapped=1[0-6] MiB errno=ENOMEM$' <<<"$plain"
CHECK_DIAG=$mod
check "module node: the same size and errno as type1, without CAP_SYS_RESOURCE" test "$mod" = "$plain"
CHECK_DIAG=$(cat "$T/i.jsonl")
check "/dev/iommu without CAP_SYS_RESOURCE cannot count per process (EPERM)" test "$("$Q" "$T/i.jsonl" rlimit errno)" = EPERM

# hold_then2 TARGET: one process of this user pins up to 12 MiB and holds it
# while a second one (another device: the first holds the edu group) maps up
# to its own 16 MiB limit; sets $first and $second to their results.
# The arm64 lab has no e1000e: its igb then.
VFC_SECOND=${VFC_E1000E:-$VFC_IGB}
hold_then2() {
	local out=$T/hold.out
	rm -f "$T/hold.in" "$out"
	mkfifo "$T/hold.in"
	VFIOCOMPAT_TARGET=$1 VFIOCOMPAT_RLIMIT=user LD_PRELOAD=$SHIM "$M" "$VFC_EDU" 12 --no-sys-resource --hold <"$T/hold.in" >"$out" 2>"$T/err" &
	local pid=$!
	exec 8>"$T/hold.in"
	for _ in $(seq 100); do grep -q mapped= "$out" 2>/dev/null && break; sleep 0.2; done
	first=$(cat "$out")
	second=$(VFIOCOMPAT_TARGET=$1 VFIOCOMPAT_RLIMIT=user LD_PRELOAD=$SHIM "$M" "$VFC_SECOND" 16 --no-sys-resource 2>"$T/err")
	exec 8>&-
	wait "$pid"
}
hold_then2 /dev/iommu
echo "# /dev/iommu per user: first process $first, second $second"
CHECK_DIAG="$first / $second"
mib() { sed -nE 's/^mapped=([0-9]+) MiB.*/\1/p' <<<"$1"; }
check "/dev/iommu: the second process is charged the first one's pages (per user)" \
	test -n "$(grep -E '^mapped=1[0-2] MiB errno=ENOMEM$' <<<"$first")" -a "$(mib "$second")" -lt "$(mib "$plain")"
hold_then2 "$NODE"
echo "# module node per process: first process $first, second $second"
CHECK_DIAG="$first / $second"
check "module node: the second process is not charged the first one's (per process, as type1)" \
	test -n "$(grep -E '^mapped=1[0-2] MiB errno=ENOMEM$' <<<"$first")" -a "$second" = "$plain"

# An unprivileged user (nobody) owning the group: the module node works for it.
grp=$(basename "$(readlink /sys/bus/pci/devices/$VFC_EDU/iommu_group)")
chown 65534 "/dev/vfio/$grp"
# RLIMIT_MEMLOCK's hard limit is raised while still root; the helper then sets 16 MiB.
chmod 755 "$T"
mkdir -m 1777 "$T/nb"
nobody=(prlimit --memlock=16777216:16777216 setpriv --reuid=65534 --regid=65534 --clear-groups)
unpriv_t1=$("${nobody[@]}" "$M" "$VFC_EDU" 16 2>&1)
unpriv=$("${nobody[@]}" env VFIOCOMPAT_TARGET=$NODE VFIOCOMPAT_LOG=$T/nb/u.jsonl LD_PRELOAD=$SHIM "$M" "$VFC_EDU" 16 2>/dev/null)
unpriv_iommu=$("${nobody[@]}" env VFIOCOMPAT_TARGET=/dev/iommu VFIOCOMPAT_FALLBACK=fail LD_PRELOAD=$SHIM "$M" "$VFC_EDU" 16 2>&1)
chown 0 "/dev/vfio/$grp"
echo "# uid 65534: type1 $unpriv_t1 | module node $unpriv | /dev/iommu: $unpriv_iommu"
CHECK_DIAG="$unpriv_t1 / $unpriv $(cat "$T/nb/u.jsonl" 2>/dev/null)"
check "uid 65534 on the module node: same limit as its type1 run, report says memlock process" \
	test "$unpriv" = "$unpriv_t1" -a "$("$Q" "$T/nb/u.jsonl" summary memlock)" = process
CHECK_DIAG=$unpriv_iommu
check "uid 65534 cannot open /dev/iommu at all (0660 root), so only the node serves it" grep -q 'EACCES\|Permission denied' <<<"$unpriv_iommu"
CHECK_DIAG=

# 4. The kernel's VFIO selftests: type1 modes through the node vs iommufd_compat modes.
results() {
	sed -n -E 's/^(not ok|ok) [0-9]+ ([^ ]+)( # (SKIP|XFAIL).*)?$/\2 \1\4/p' "$1" |
		sed -e 's/ not ok$/ FAIL/' -e 's/ ok$/ PASS/' -e 's/ okSKIP$/ SKIP/' -e 's/ okXFAIL$/ XFAIL/'
}
# 6.12 has none (they came with 6.18): one listed skip stands for the three.
sts=(vfio_dma_mapping_test vfio_dma_mapping_mmio_test vfio_pci_driver_test)
case $(uname -r) in 6.12.*)
	tap_skip "the kernel's VFIO selftests through the node" "$(uname -r) has no VFIO selftests"
	sts=() ;;
esac
# The arm64 lab kernel's tree is cross-built without them (Image and modules).
if [ "$(uname -m)" = aarch64 ]; then
	tap_skip "the kernel's VFIO selftests through the node" "the arm64 lab tree does not build the VFIO selftests"
	sts=()
fi
for t in "${sts[@]}"; do
	[ -x "$ST/$t" ] || { tap_fail "$t: not built in $ST"; continue; }
	"$ST/$t" -l "$VFC_IGB" >"$T/$t.list" 2>&1
	pat='vfio_type1(v2)?_iommu'
	# The driver test takes minutes per mode under TCG: its type1v2 mode only.
	[ "$t" = vfio_pci_driver_test ] && pat='vfio_type1v2_iommu'
	mapfile -t type1 < <(grep -oE "\\b$pat[A-Za-z0-9_]*" "$T/$t.list" | sort -u)
	[ "${#type1[@]}" -gt 0 ] || { tap_fail "$t: no type1 variants listed" "$(head -5 "$T/$t.list")"; continue; }
	vt=() vc=()
	for v in "${type1[@]}"; do
		vt+=(-v "$v")
		vc+=(-v "$(sed -E 's/^vfio_type1_iommu/iommufd_compat_type1/; s/^vfio_type1v2_iommu/iommufd_compat_type1v2/' <<<"$v")")
	done
	# The driver test's memcpy_*_unmapped_iova cases fault on purpose (console scan).
	[ "$t" = vfio_pci_driver_test ] && iommu_faults_expected "$VFC_IGB" "$t: DMA to unmapped IOVAs"
	"$ST/$t" "${vc[@]}" "$VFC_IGB" >"$T/$t.compat" 2>&1
	VFIOCOMPAT_TARGET=$NODE VFIOCOMPAT_LOG=$T/$t.jsonl LD_PRELOAD=$SHIM "$ST/$t" "${vt[@]}" "$VFC_IGB" >"$T/$t.mod" 2>&1
	iommu_faults_end "$VFC_IGB"
	results "$T/$t.compat" >"$T/$t.compat.r"
	results "$T/$t.mod" >"$T/$t.mod.r"
	n=$(wc -l <"$T/$t.mod.r")
	echo "# $t: type1 via the node $n cases ($(grep -c ' PASS' "$T/$t.mod.r") pass), iommufd_compat $(wc -l <"$T/$t.compat.r") cases ($(grep -c ' PASS' "$T/$t.compat.r") pass)"
	check "$t: type1 cases ran through the node" test "$n" -gt 0 -a "$n" -eq "$(wc -l <"$T/$t.compat.r")"
	check "$t: the shim opened the node" test "$("$Q" "$T/$t.jsonl" open target node=container)" = "$NODE"
	# The node is iommufd: the differences are exactly the shim's with /dev/iommu.
	diffs=0 expected=0
	while read -r key res; do
		ckey=$(sed -E 's/\.vfio_type1_iommu/.iommufd_compat_type1/; s/\.vfio_type1v2_iommu/.iommufd_compat_type1v2/' <<<"$key")
		cres=$(awk -v k="$ckey" '$1 == k {print $2}' "$T/$t.compat.r")
		why=$(grep -F "$t $key |" "$EXPECTED" | sed 's/.*| //')
		if [ "$res" = "${cres:-MISSING}" ] && [ -n "$why" ]; then
			diffs=$((diffs + 1))
			tap_fail "$key: listed in peer-expected.txt but agrees through the node ($res)"
		elif [ "$res" != "${cres:-MISSING}" ] && [ -n "$why" ]; then
			expected=$((expected + 1))
		elif [ "$res" != "${cres:-MISSING}" ]; then
			diffs=$((diffs + 1))
			tap_fail "$key through the node $res vs $ckey ${cres:-MISSING}" "$(grep -A20 "RUN.*$key" "$T/$t.mod" | head -30)"
		fi
	done <"$T/$t.mod.r"
	check "$t: every case through the node = its iommufd_compat peer ($n cases, $expected expected P2P differences as under the shim)" test "$diffs" = 0
done

unload
check "module unloaded at the end" test ! -e "$NODE"
rm -rf "$T"
tap_end
