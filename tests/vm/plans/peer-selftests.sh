#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The kernel's VFIO selftests as a differential peer suite: each test in the
# type1 modes under the shim must give the same result as in the matching
# iommufd_compat mode without it; plain type1 is the baseline. Differences
# not listed in tests/vm/peer-expected.txt fail.
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

for t in vfio_dma_mapping_test vfio_dma_mapping_mmio_test vfio_pci_driver_test; do
	[ -x "$ST/$t" ] || { tap_fail "$t: not built in $ST"; continue; }
	"$ST/$t" -l "$BDF" >"$T/$t.list" 2>&1
	mapfile -t type1 < <(grep -oE '\bvfio_type1(v2)?_iommu[A-Za-z0-9_]*' "$T/$t.list" | sort -u)
	mapfile -t compat < <(grep -oE '\biommufd_compat_type1(v2)?[A-Za-z0-9_]*' "$T/$t.list" | sort -u)
	[ "${#type1[@]}" -gt 0 ] || { tap_fail "$t: no type1 variants listed" "$(head -5 "$T/$t.list")"; continue; }
	vt=() vc=()
	for v in "${type1[@]}"; do vt+=(-v "$v"); done
	for v in "${compat[@]}"; do vc+=(-v "$v"); done

	"$ST/$t" "${vt[@]}" "${vc[@]}" "$BDF" >"$T/$t.plain" 2>&1
	VFIOCOMPAT_LOG=$T/$t.jsonl LD_PRELOAD=$SHIM "$ST/$t" "${vt[@]}" "$BDF" >"$T/$t.shim" 2>&1
	results "$T/$t.plain" >"$T/$t.plain.r"
	results "$T/$t.shim" >"$T/$t.shim.r"

	n_base=$(grep -c '\.vfio_type1' "$T/$t.plain.r")
	n_shim=$(wc -l <"$T/$t.shim.r")
	n_compat=$(grep -c '\.iommufd_compat' "$T/$t.plain.r")
	echo "# $t: plain type1 $n_base cases ($(grep '\.vfio_type1' "$T/$t.plain.r" | grep -c ' PASS') pass), iommufd_compat $n_compat, type1 under shim $n_shim"
	check "$t: baseline ran in type1 modes" test "$n_base" -gt 0
	check "$t: every type1 case ran under the shim" test "$n_shim" -eq "$n_base"
	check "$t: shim run redirected its containers" grep -q '"action":"redirected"' "$T/$t.jsonl"
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
