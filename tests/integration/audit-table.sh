#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/vm/audit-table, on the host (issue 31): the committed
# docs/compat-audit.md is its output; its matrix (one column per kernel and
# architecture) flags a changed answer in exactly the cell it changed, and the
# summary's counts move with it; a kernel without some variant still
# generates ("not measured"); bad input is one line and a non-zero exit.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../lib/tap.sh"
G=$top/tests/vm/audit-table
T=$(mktemp -d "${TMPDIR:-/tmp}/vfc-audit-table.XXXXXX")
trap 'rm -rf "$T"' EXIT

# (1) the committed document is the generator's output
"$G" "$top/docs/compat-audit" >"$T/doc.md" 2>"$T/e"
r=$?
CHECK_DIAG="exit $r: $(head -c 400 "$T/e"); $(diff -u "$top/docs/compat-audit.md" "$T/doc.md" | head -30)
(regenerate with: tests/vm/audit-table docs/compat-audit >docs/compat-audit.md)"
check "docs/compat-audit.md is the table generated from docs/compat-audit/" \
	cmp -s "$top/docs/compat-audit.md" "$T/doc.md"

# md FILE WHAT [ARGS]: what the document's summary or matrix says.
#  flagged: each matrix cell flagged as not as on the first column, "case<TAB>column"
#  count COLUMN HEADER: the summary table's HEADER cell in COLUMN's row
#  cell CASE COLUMN: the matrix cell
md() {
	python3 - "$@" <<'EOF'
import sys
path, what, args = sys.argv[1], sys.argv[2], sys.argv[3:]
sys.excepthook = lambda *e: print(f"(no {what} {' / '.join(args)} in {path})")
lines = open(path, encoding="utf-8").read().split("\n")
def table(heading):
    i = next(i for i, l in enumerate(lines) if l.startswith(heading))
    i = next(j for j in range(i, len(lines)) if lines[j].startswith("|"))
    rows = []
    while i < len(lines) and lines[i].startswith("|"):
        rows.append([c.strip() for c in lines[i].strip("|").split(" | ")])
        i += 1
    return rows[0], rows[2:]
if what == "count":
    head, rows = table("## Summary")
    row = next(r for r in rows if r[0] == args[0])
    print(row[next(k for k, h in enumerate(head) if h.startswith(args[1]))])
    sys.exit(0)
head, rows = table("## Matrix")
if what == "flagged":
    for r in rows:
        for k in range(1, len(r)):
            if "**kernel" in r[k] or "**arch" in r[k]:
                print(f"{r[0]}\t{head[k]}")
elif what == "cell":
    row = next(r for r in rows if r[0] == args[0])
    print(row[next(k for k, h in enumerate(head) if h.startswith(args[1]))])
EOF
}
X86="7.3 x86-64" K612="6.12 x86-64" ARM="7.3 arm64"

# (2) one 6.12 answer and one smmuv3 answer changed: exactly those two cells
# newly flagged, and the counts move by one.
cp -r "$top/docs/compat-audit" "$T/fx"
sed -i 's/^MAP_DMA 2M\t.*/MAP_DMA 2M\tret=-1 errno=ENOMEM/' "$T/fx/6.12/intel.type1"
sed -i 's/^UNMAP_DMA empty range\t.*/UNMAP_DMA empty range\tret=-1 errno=EINVAL/' "$T/fx/smmuv3.iommufd"
"$G" "$T/fx" >"$T/fx.md" 2>"$T/e"
CHECK_DIAG=$(head -c 600 "$T/e")
check "changed fixture: generates" test -s "$T/fx.md"
md "$T/doc.md" flagged >"$T/f0" 2>"$T/e0"
md "$T/fx.md" flagged >"$T/f1" 2>"$T/e1"
new=$(comm -13 <(sort "$T/f0") <(sort "$T/f1") | tr '\t' '@' | tr '\n' ';')
gone=$(comm -23 <(sort "$T/f0") <(sort "$T/f1") | tr '\t' '@' | tr '\n' ';')
want="MAP_DMA 2M@$K612 (\`intel\`);UNMAP_DMA empty range@$ARM (\`smmuv3\`);"
CHECK_DIAG="newly flagged: '$new', no longer flagged: '$gone'; $(head -c 300 "$T/e1")"
check "changed fixture: the matrix flags exactly the 6.12 and the smmuv3 cell as not as on 7.3 x86" \
	test "$new" = "$want" -a -z "$gone" -a -s "$T/f0"
c612=$(md "$T/fx.md" cell "MAP_DMA 2M" "$K612" 2>&1)
CHECK_DIAG="cell: $c612"
check "changed fixture: the 6.12 cell shows type1's new answer and the iommufd one" \
	test "$c612" != "${c612#*\`-1 ENOMEM\` / \`0\`*}"
for col in "$K612" "$ARM"; do
	for h in "type1 and iommufd differ" "differ from $X86"; do
		a=$(md "$T/doc.md" count "$col" "$h" 2>&1) b=$(md "$T/fx.md" count "$col" "$h" 2>&1)
		CHECK_DIAG="before '$a', after '$b'"
		want=none
		[[ $a =~ ^[0-9]+$ ]] && want=$((a + 1))
		check "changed fixture: '$h' for $col counts one more ($a -> $b)" test "$b" = "$want"
	done
done
a=$(md "$T/doc.md" count "$X86" "differ from" 2>&1) b=$(md "$T/fx.md" count "$X86" "differ from" 2>&1)
CHECK_DIAG="before '$a', after '$b'"
check "changed fixture: $X86 itself differs from nothing (0)" test "$a" = 0 -a "$b" = 0
check "changed fixture: the summary lists the new 6.12 difference" \
	has "$T/fx.md" "^- MAP_DMA 2M: type1 \`-1 ENOMEM\`"

# (3) a kernel without the reference IOMMU, another without one case: still
# generates, the cells say "not measured".
cp -r "$top/docs/compat-audit" "$T/miss"
rm -f "$T/miss/6.12/intel.type1" "$T/miss/6.12/intel.iommufd" "$T/miss/smmuv3-v2m.type1"
sed -i '/^GET_API_VERSION\t/d' "$T/miss/smmuv3.type1" "$T/miss/smmuv3.iommufd"
"$G" "$T/miss" >"$T/miss.md" 2>"$T/e"
r=$?
CHECK_DIAG="exit $r: $(head -c 600 "$T/e")"
check "variant missing: generates (exit 0, nothing on stderr)" test "$r" = 0 -a ! -s "$T/e" -a -s "$T/miss.md"
c=$(md "$T/miss.md" cell "MAP_DMA 2M" "$K612" 2>&1)
CHECK_DIAG="cell: $c"
check "variant missing: the 6.12 cell without its intel run says not measured" \
	test "$c" != "${c#*not measured}"
c=$(md "$T/miss.md" cell "GET_API_VERSION" "$ARM" 2>&1)
CHECK_DIAG="cell: $c"
check "case missing: the smmuv3 cell without the case says not measured" test "$c" != "${c#*not measured}"
check "variant missing: 6.12's amd still has its detail section" has "$T/miss.md" '^## `amd` on 6.12'
check "variant missing: smmuv3-v2m (one file of the pair) is left out" hasnt "$T/miss.md" '^## `smmuv3-v2m`'

# (3b) a variant a kernel's iommufd refuses (VARIANT.refused): the summary
# says so, with the reason, and the committed doc shows 6.12's intel-flts.
cp -r "$top/docs/compat-audit" "$T/ref"
printf 'Because of a made-up reason\nover two lines.\n' >"$T/ref/6.12/virtio.refused"
"$G" "$T/ref" >"$T/ref.md" 2>"$T/ref.e"
CHECK_DIAG="$(cat "$T/ref.e"); $(grep -n 'Not measured' "$T/ref.md")"
check "refused variant: the summary names it with its reason, on one line" \
	grep -qx 'Not measured: `virtio` on 6.12.118, where iommufd refuses every device. Because of a made-up reason over two lines.' "$T/ref.md"
check "refused variant: the committed doc names 6.12's intel-flts" \
	grep -q '^Not measured: `intel-flts` on 6.12.118, where iommufd refuses every device' "$top/docs/compat-audit.md"

# (4) bad input: one line naming the problem, non-zero exit.
bad() { # DESC PATTERN DIR
	"$G" "$3" >"$T/o" 2>"$T/e"
	local r=$? n
	n=$(wc -l <"$T/e")
	CHECK_DIAG="exit $r, stderr ($n lines): $(head -c 600 "$T/e")"
	check "bad input, $1: one line naming it, exit non-zero" \
		test "$r" != 0 -a "$n" = 1 -a -n "$(grep -- "$2" "$T/e")"
}
mkdir "$T/empty"
bad "no pairs" "no VARIANT.type1 + VARIANT.iommufd pair" "$T/empty"
bad "no such directory" "$T/nodir" "$T/nodir"
mkdir -p "$T/isdir/intel.type1"
touch "$T/isdir/intel.iommufd"
bad "a run that cannot be read" "intel.type1" "$T/isdir"
mkdir "$T/bin"
printf 'GET_API_VERSION\tret=0 \377\n' >"$T/bin/intel.type1"
cp "$T/bin/intel.type1" "$T/bin/intel.iommufd"
bad "a run that is not UTF-8" "intel.type1" "$T/bin"
mkdir -p "$T/sub/6.12/amd.iommufd"
cp "$top/docs/compat-audit/intel."* "$T/sub/"
touch "$T/sub/6.12/amd.type1"
bad "another kernel's run that cannot be read" "6.12/amd.iommufd" "$T/sub"
tap_end
