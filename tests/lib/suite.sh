# SPDX-License-Identifier: GPL-2.0-only
# The opening the shell suites share, once; sourced after tap.sh. Sets top,
# the checkout, and offers:
#  suite_tmp NAME    T: a fresh scratch directory vfc-NAME.XXXXXX, removed on exit
#  suite_build       B (required: the build under test), V its command, PROBE
#                    its fd probe, SAN_ENV the environment a sanitized build's
#                    programs need (VFC_SANITIZE=1), empty otherwise; X the
#                    runner for the built programs (VFC_EXEC_WRAP, check-arm64:
#                    qemu-aarch64), SH the shell a shimmed program runs as
#                    (VFC_EXEC_SH, check-arm64: an arm64 sh)
#  suite_completion  BC (bash-completion's library) and COMP (ours); without
#                    bash-completion the suite fails, saying how to get it
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

suite_tmp() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/vfc-$1.XXXXXX") || exit 1
	trap 'rm -rf "$T"' EXIT
}
suite_build() {
	B=${B:?B must name the build directory}
	V=$B/vfiocompat
	PROBE=$B/helpers/fdprobe
	X=${VFC_EXEC_WRAP:-}
	SH=${VFC_EXEC_SH:-sh}
	SAN_ENV=()
	[ "${VFC_SANITIZE:-0}" = 1 ] && SAN_ENV=(ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0)
	return 0
}
suite_completion() {
	BC=/usr/share/bash-completion/bash_completion
	COMP=$top/tools/completion/vfiocompat.bash
	if [ ! -r "$BC" ]; then
		tap_fail "bash-completion is installed ($BC): scripts/install-deps build installs it"
		tap_end
		exit 1
	fi
}
