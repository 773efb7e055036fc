#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Help, man page and bash completion agree (issue 30): `vfiocompat SUB --help`
# is the reference. For every subcommand `vfiocompat --help` lists (new ones
# too: nothing here names an option), its options are read from its --help
# (the usage lines and the lines that define an option), and
#  - vfiocompat(1)'s SYNOPSIS lines for SUB must list exactly those;
#  - its section (.SS SUB) must mention each;
#  - the completion must offer exactly those (after "vfiocompat SUB -"), and
#    every subcommand after "vfiocompat " and "vfiocompat help ".
# Each drift is its own failing line: "SUB: man SYNOPSIS lacks --x".
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
. "$here/../lib/suite.sh"
suite_build
suite_tmp drift
suite_completion
MAN=$top/docs/man/vfiocompat.1

# Options in text: --long and -x, one per line, sorted; --help, --version and
# the bare "--" separator are everyone's and left out.
opts() {
	grep -oE -- '(^|[^A-Za-z0-9-])--?[A-Za-z][A-Za-z0-9-]*' | sed 's/^[^-]*//' |
		grep -vxE -- '--help|--version|-h' | sort -u
}
# help_opts SUB: the usage lines (up to the first blank line) and the lines
# that define an option ("  --x ...", "  -o, --output ...").
help_opts() {
	$X "$V" "$1" --help 2>&1 | awk '
		/^usage:/ { u = 1 }
		u && /^$/ { u = 0 }
		u { print; next }
		/^ +-/ { sub(/^ +/, ""); n = split($0, w, /  +/); print w[1] }' | opts
}
# The man page with its escapes undone.
sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$MAN" >"$T/man"
# man_synopsis SUB: every SYNOPSIS block that starts ".B vfiocompat SUB".
man_synopsis() {
	awk -v sub_="$1" '
		/^\.SH / { in_syn = ($2 == "SYNOPSIS"); blk = 0; next }
		!in_syn { next }
		/^\.br/ { blk = 0; next }
		/^\.B vfiocompat / { blk = ($3 == sub_) }
		blk' "$T/man" | opts
}
# man_section SUB: the .SS SUB section's text.
man_section() {
	awk -v sub_="$1" '
		/^\.S[HS] / { in_s = ($1 == ".SS" && $2 == sub_); next }
		in_s' "$T/man" | opts
}
# complete LINE: the completion's candidates for the cursor at the end of LINE.
complete_line() {
	(cd "$T" && bash --norc --noprofile -c '
		. "$1"; . "$2"
		line=$3
		read -r -a COMP_WORDS <<<"$line"
		[[ $line == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE=$line COMP_POINT=${#line}
		_vfiocompat
		printf "%s\n" "${COMPREPLY[@]}"' _ "$BC" "$COMP" "$1" 2>/dev/null)
}
# diff_sets WHAT SUB WANT GOT: one TAP line per option WANT has and GOT lacks
# ("lacks"), and, unless WHAT ends in '+', per one GOT has and WANT lacks.
diff_sets() {
	local what=${1%+} sub=$2 o bad=0
	while read -r o; do
		[ -n "$o" ] || continue
		tap_fail "$sub: $what lacks $o (in 'vfiocompat $sub --help')"
		bad=1
	done < <(comm -23 <(printf '%s\n' "$3") <(printf '%s\n' "$4"))
	if [ "${1: -1}" != + ]; then
		while read -r o; do
			[ -n "$o" ] || continue
			tap_fail "$sub: $what has $o, which 'vfiocompat $sub --help' lacks"
			bad=1
		done < <(comm -13 <(printf '%s\n' "$3") <(printf '%s\n' "$4"))
	fi
	[ "$bad" = 0 ] && tap_ok "$sub: $what agrees with --help ($(printf '%s\n' "$3" | grep -c .) options)"
}

mapfile -t SUBS < <($X "$V" --help | awk '/^commands:/ { c = 1; next } c && /^  [a-z]/ { print $1 }')
check "vfiocompat --help lists the subcommands (found ${#SUBS[@]})" test "${#SUBS[@]}" -ge 7
top_comp=$(complete_line 'vfiocompat ' | sort -u)
help_comp=$(complete_line 'vfiocompat help ' | sort -u)
for sub in "${SUBS[@]}"; do
	if [ "$sub" = libvirt ] && [ -n "$X" ] && [ ! -x "$B/vfiocompat-libvirt" ]; then
		tap_skip "libvirt: --help, man page and completion agree" "the arm64 build has no vfiocompat-libvirt (no libvirt-dev:arm64)"
		continue
	fi
	want=$(help_opts "$sub")
	CHECK_DIAG=$($X "$V" "$sub" --help 2>&1 | head -5)
	check "$sub: --help exits 0 and names an option" test -n "$want"
	CHECK_DIAG=
	check "$sub: the completion offers it after 'vfiocompat '" grep -qx -- "$sub" <<<"$top_comp"
	check "$sub: the completion offers it after 'vfiocompat help '" grep -qx -- "$sub" <<<"$help_comp"
	check "$sub: vfiocompat(1) has a SYNOPSIS line" grep -q "^\.B vfiocompat $sub\( \|$\)" "$T/man"
	check "$sub: vfiocompat(1) has a section (.SS $sub)" grep -q "^\.SS $sub$" "$T/man"
	diff_sets "man SYNOPSIS" "$sub" "$want" "$(man_synopsis "$sub")"
	diff_sets "man section .SS $sub+" "$sub" "$want" "$(man_section "$sub")"
	diff_sets "bash completion" "$sub" "$want" "$(complete_line "vfiocompat $sub -" | opts)"
done
tap_end
