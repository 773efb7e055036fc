#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The compat audit: every case of tests/helpers/audit on type1 and on iommufd
# (no shim). The generated table must equal the committed docs/compat-audit.md
# (regenerate with `make audit-doc`), so the documented table stays true.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
top=$(cd "$here/../../.." && pwd)
T=$(mktemp -d)
A=$B/helpers/audit
"$A" /dev/vfio/vfio "$VFC_EDU" >"$T/type1" 2>"$T/type1.err"
r1=$?
"$A" /dev/iommu "$VFC_EDU" >"$T/iommufd" 2>"$T/iommufd.err"
r2=$?
CHECK_DIAG=$(cat "$T/type1.err")
check "audit ran to the end on type1 ($(wc -l <"$T/type1") cases)" test "$r1" = 0
CHECK_DIAG=$(cat "$T/iommufd.err")
check "audit ran to the end on iommufd ($(wc -l <"$T/iommufd") cases)" test "$r2" = 0
check "both back ends answered the same cases" test "$(cut -f1 "$T/type1")" = "$(cut -f1 "$T/iommufd")"
"$here/../audit-table" "$T/type1" "$T/iommufd" "$(uname -r)" >"$T/compat-audit.md"
[ -n "${VFC_RESULTS:-}" ] && cp "$T/compat-audit.md" "$VFC_RESULTS/compat-audit.md"
grep '^\*\*' "$T/compat-audit.md" | sed 's/^/# /'
CHECK_DIAG="$(diff -u "$top/docs/compat-audit.md" "$T/compat-audit.md" | head -40)
(regenerate with: make audit-doc)"
check "the kernel's answers match docs/compat-audit.md" cmp -s "$top/docs/compat-audit.md" "$T/compat-audit.md"
rm -rf "$T"
tap_end
