#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The kernel's VFIO selftests as a differential peer suite: each test in the
# type1 modes under the shim must give the same result as in the matching
# iommufd_compat mode without it; plain type1 is the baseline. Differences
# not listed in tests/vm/peer-expected.txt fail. Every forked case under the
# shim must leave its own redirect record; with IOMMU debugfs mounted (by
# guest-init), vfio_dma_mapping_test's page-table checks must really run.
# The cheap tests' native modes (iommufd_compat, iommufd: a /dev/iommu user)
# run under the shim too: untouched (no redirect), the same results as plain.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
ST=${VFC_KSRC:?}/tools/testing/selftests/vfio
SHIM=$B/libvfiocompat.so
EXPECTED=$here/../peer-expected.txt
BDF=${VFC_IGB:?igb not bound}
T=$(mktemp -d)
echo 128 >/proc/sys/vm/nr_hugepages
mkdir -p /dev/hugepages && mount -t hugetlbfs none /dev/hugepages 2>/dev/null

# results FILE: "KEY RESULT" per test case from kselftest TAP.
results() {
	sed -n -E 's/^(not ok|ok) [0-9]+ ([^ ]+)( # (SKIP|XFAIL).*)?$/\2 \1\4/p' "$1" |
		sed -e 's/ not ok$/ FAIL/' -e 's/ ok$/ PASS/' -e 's/ okSKIP$/ SKIP/' -e 's/ okXFAIL$/ XFAIL/'
}

# The selftest's page-table checks read the Intel IOMMU's debugfs; without it
# they pass vacuously. On other IOMMUs it has no lookup: none may run there.
IOMMU=${VFC_IOMMU:-intel}
case $IOMMU in intel*) dbg=intel ;; amd) dbg=amd ;; *) dbg= ;; esac
check "IOMMU debugfs is mounted (/sys/kernel/debug/iommu${dbg:+/$dbg})" test -d "/sys/kernel/debug/iommu${dbg:+/$dbg}"
# redirects DIR: how many per-process reports in DIR record a redirected container.
redirects() { grep -l '"action":"redirected"' "$1"/r-*.jsonl 2>/dev/null | wc -l; }
# pt_found FILE: page-table lookups that found their mapping; pt_cases MODE-RE
# RESULTS: the dma_map_unmap cases of those modes that passed (one lookup each).
# faults: IOMMU fault lines naming the device in the kernel log so far.
faults() { dmesg | grep -E "AMD-Vi: Event logged|DMAR: \[DMA (Read|Write)" | grep -c "$BDF"; }
pt_found() { grep -c '^Found IOMMU mappings for IOVA' "$1"; }
pt_cases() { grep -E "\.($1)_anonymous[a-z0-9_]*\.dma_map_unmap PASS\$" "$2" | wc -l; }

for t in vfio_dma_mapping_test vfio_dma_mapping_mmio_test vfio_pci_driver_test; do
	[ -x "$ST/$t" ] || { tap_fail "$t: not built in $ST"; continue; }
	tmo 600 "$ST/$t" -l "$BDF" >"$T/$t.list" 2>&1
	mapfile -t type1 < <(grep -oE '\bvfio_type1(v2)?_iommu[A-Za-z0-9_]*' "$T/$t.list" | sort -u)
	mapfile -t compat < <(grep -oE '\biommufd_compat_type1(v2)?[A-Za-z0-9_]*' "$T/$t.list" | sort -u)
	mapfile -t native < <(grep -oE '\biommufd(_[A-Za-z0-9_]+)?\b' "$T/$t.list" | grep -v '^iommufd_compat' | sort -u)
	[ "${#type1[@]}" -gt 0 ] || { tap_fail "$t: no type1 variants listed" "$(head -5 "$T/$t.list")"; continue; }
	vt=() vc=() vn=()
	# The driver test maps 1 GiB and has the emulated igb copy through it, per
	# case, minutes under TCG: its type1 v2 modes only (v1's different unmap
	# and huge-page rules are the mapping test's subject, in every mode).
	if [ "$t" = vfio_pci_driver_test ]; then
		mapfile -t type1 < <(printf '%s\n' "${type1[@]}" | grep 'v2')
		mapfile -t compat < <(printf '%s\n' "${compat[@]}" | grep 'v2')
	fi
	for v in "${type1[@]}"; do vt+=(-v "$v"); done
	for v in "${compat[@]}"; do vc+=(-v "$v"); done
	# The driver test takes ~4 min a run under TCG: its native modes are not rerun.
	[ "$t" = vfio_pci_driver_test ] || for v in "${native[@]}"; do vn+=(-v "$v"); done

	# The driver test's memcpy_{from,to}_unmapped_iova cases make igb fault on
	# purpose: expected on the console (its scan), and required to appear in
	# each run, the IOMMU's own proof that it blocked them.
	[ "$t" = vfio_pci_driver_test ] && iommu_faults_expected "$BDF" "$t: DMA to unmapped IOVAs"
	f0=$(faults)
	tmo 600 "$ST/$t" "${vt[@]}" "${vc[@]}" "${vn[@]}" "$BDF" >"$T/$t.plain" 2>&1
	f1=$(faults)
	mkdir -p "$T/$t.logs" "$T/$t.nlogs"
	VFIOCOMPAT_LOG=$T/$t.logs/r-%p.jsonl LD_PRELOAD=$SHIM tmo 600 "$ST/$t" "${vt[@]}" "$BDF" >"$T/$t.shim" 2>&1
	f2=$(faults)
	iommu_faults_end "$BDF"
	if [ "$t" = vfio_pci_driver_test ] && [ "$IOMMU" = amd ]; then
		tap_skip "$t: the IOMMU logged the unmapped-IOVA DMA as faults ($((f2 - f0)) lines)" \
			"QEMU's amd-iommu logs no event for a blocked DMA here (docs/vm-lab.md)"
	elif [ "$t" = vfio_pci_driver_test ]; then
		check "$t plain: the IOMMU logged the unmapped-IOVA DMA as faults ($((f1 - f0)) lines)" test "$f1" -gt "$f0"
		check "$t under the shim: the IOMMU logged them too ($((f2 - f1)) lines)" test "$f2" -gt "$f1"
	fi
	results "$T/$t.plain" >"$T/$t.plain.r"
	results "$T/$t.shim" >"$T/$t.shim.r"

	n_base=$(grep -c '\.vfio_type1' "$T/$t.plain.r")
	n_shim=$(wc -l <"$T/$t.shim.r")
	n_compat=$(grep -c '\.iommufd_compat' "$T/$t.plain.r")
	echo "# $t: plain type1 $n_base cases ($(grep '\.vfio_type1' "$T/$t.plain.r" | grep -c ' PASS') pass), iommufd_compat $n_compat, type1 under shim $n_shim"
	check "$t: baseline ran in type1 modes" test "$n_base" -gt 0
	check "$t: every type1 case ran under the shim" test "$n_shim" -eq "$n_base"
	CHECK_DIAG="$(ls "$T/$t.logs")"
	check "$t: each of the $n_shim forked cases under the shim redirected its container ($(redirects "$T/$t.logs") reports with a redirect)" \
		test "$(redirects "$T/$t.logs")" -eq "$n_shim"
	CHECK_DIAG=
	if [ "$t" = vfio_dma_mapping_test ] && [ "$dbg" != intel ]; then
		CHECK_DIAG=$(grep -m3 'Found IOMMU mappings' "$T/$t.plain" "$T/$t.shim")
		check "$t: the selftest's page-table lookup is Intel's: none found a mapping on $IOMMU" \
			test "$(pt_found "$T/$t.plain")/$(pt_found "$T/$t.shim")" = 0/0
		CHECK_DIAG=
	elif [ "$t" = vfio_dma_mapping_test ]; then
		# Type1 (v1) modes skip the lookup by design; v2, compat v2 and iommufd run it.
		want=$(pt_cases 'vfio_type1v2_iommu|iommufd_compat_type1v2|iommufd' "$T/$t.plain.r")
		CHECK_DIAG=$(grep -m3 -A2 'Searching for IOVA' "$T/$t.plain")
		check "$t plain: the page-table check found each mapping in debugfs ($want cases)" \
			test "$want" -gt 0 -a "$(pt_found "$T/$t.plain")" -eq "$want"
		want=$(pt_cases 'vfio_type1v2_iommu' "$T/$t.shim.r")
		CHECK_DIAG=$(grep -m3 -A2 'Searching for IOVA' "$T/$t.shim")
		check "$t under the shim: the page-table check found each mapping in debugfs ($want cases)" \
			test "$want" -gt 0 -a "$(pt_found "$T/$t.shim")" -eq "$want"
		CHECK_DIAG=
	fi
	if [ "${#vn[@]}" -gt 0 ]; then
		# A native /dev/iommu user (and the compat modes, which open /dev/iommu
		# themselves) under the shim: left alone, the same results.
		VFIOCOMPAT_LOG=$T/$t.nlogs/r-%p.jsonl LD_PRELOAD=$SHIM tmo 600 "$ST/$t" "${vc[@]}" "${vn[@]}" "$BDF" >"$T/$t.native" 2>&1
		results "$T/$t.native" >"$T/$t.native.r"
		CHECK_DIAG=$(diff <(grep -v '\.vfio_type1' "$T/$t.plain.r") "$T/$t.native.r")
		check "$t: iommufd and iommufd_compat modes under the shim give plain's results ($(wc -l <"$T/$t.native.r") cases)" \
			test -s "$T/$t.native.r" -a -z "$CHECK_DIAG"
		CHECK_DIAG=$(cat "$T/$t.nlogs"/*.jsonl 2>/dev/null | head -5)
		check "$t: no redirect recorded for a native /dev/iommu user" test "$(redirects "$T/$t.nlogs")" -eq 0
		CHECK_DIAG=
	fi
	if grep '\.vfio_type1' "$T/$t.plain.r" | grep -q ' FAIL$'; then
		tap_fail "$t: plain type1 baseline has failures" "$(grep ' FAIL$' "$T/$t.plain.r")"
	fi
	while read -r key res; do
		ckey=$(sed -E 's/\.vfio_type1_iommu/.iommufd_compat_type1/; s/\.vfio_type1v2_iommu/.iommufd_compat_type1v2/' <<<"$key")
		cres=$(awk -v k="$ckey" '$1 == k {print $2}' "$T/$t.plain.r")
		[ -n "$cres" ] || cres=MISSING
		why=$(grep -F "$t $key |" "$EXPECTED" | sed 's/.*| //')
		if [ "$res" = "$cres" ]; then
			if [ -n "$why" ]; then
				tap_fail "$key: listed as an expected difference but now agrees ($res)" "update tests/vm/peer-expected.txt"
			else
				tap_ok "$key under the shim = $ckey ($res)"
			fi
		elif [ -n "$why" ]; then
			tap_ok "$key under the shim $res vs $ckey $cres: expected difference ($why)"
		else
			tap_fail "$key under the shim $res vs $ckey $cres: unexpected difference" \
				"$(grep -A20 "RUN.*$key" "$T/$t.shim" | head -30)"
		fi
	done <"$T/$t.shim.r"
done
rm -rf "$T"
tap_end
