# SPDX-License-Identifier: GPL-2.0-only
# nagios_conforms FILE RC: FILE (a plugin's stdout) follows the monitoring
# plugin guidelines (nagios-plugins.org/doc/guidelines.html) for exit code RC:
# the first line is "VFIOCOMPAT STATE - text[ | perfdata]", STATE the one RC
# means (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN), each perfdata item
# 'label'=value[UOM];[warn];[crit];[min];[max]; later lines (long output)
# hold no '|' (it would start more perfdata). CHECK_DIAG says what differed.
NAGIOS_LABEL="'[^'=]+'=-?[0-9.]+(s|ms|us|%|B|KB|MB|TB|c)?(;[-0-9.:~@]*){0,4}"
NAGIOS_RE="^VFIOCOMPAT (OK|WARNING|CRITICAL|UNKNOWN) - [^|]*[^| ]( \\| $NAGIOS_LABEL( $NAGIOS_LABEL)*)?\$"
nagios_conforms() {
	local first states=(OK WARNING CRITICAL UNKNOWN)
	first=$(head -n 1 "$1")
	if ! [[ $first =~ $NAGIOS_RE ]]; then
		CHECK_DIAG="first line '$first' is no plugin status line (exit $2)"
		return 1
	fi
	if [ "$2" -gt 3 ] || [ "${BASH_REMATCH[1]}" != "${states[$2]}" ]; then
		CHECK_DIAG="state ${BASH_REMATCH[1]} but exit $2: '$first'"
		return 1
	fi
	if tail -n +2 "$1" | grep -q '|'; then
		CHECK_DIAG="a '|' in the long output: $(tail -n +2 "$1" | grep '|' | head -2)"
		return 1
	fi
}
