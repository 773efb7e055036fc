#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The arm64 lab (the suite's arm64-its job): the host scripts, or the parts of
# them, that make check-arm64 cannot run under qemu-user
# (tests/integration/run-arm64's header), run here on a real arm64 kernel
# with the arm64 build, natively (no VFC_EXEC_WRAP):
#   seccomp: strace of the client and its seccomp filters;
#   faults: statfail's seccomp filter, the setuid case (AT_SECURE);
#   cli-conventions: run's strategy from inspect of arm64 programs (the
#     lab root's gcc builds them), and dpdk-testpmd (the root's, arm64);
#   adversarial-writer: a clone(CLONE_VM) child without CLONE_THREAD, and
#     run's exit record naming the program's real starttime;
#   adversarial-fds: clone(CLONE_VM|CLONE_VFORK) and vfork children that
#     share the shim's memory (qemu-user runs them as fork children).
# Each runs by ns-run as on the host (a private /dev: stand-in /dev/iommu and
# group nodes; its 10:196 is the lab's real container, so VFC_REAL=1 for
# faults' type1 answers). One TAP stream: each script's lines renumbered, its
# name before each description; a script that fails without a "not ok" line
# (a crash, its deadline) is one.
set -u
here=$(cd "$(dirname "$0")" && pwd)
I=$(cd "$here/../../integration" && pwd)
. "$here/../../lib/tap.sh"
export B=${B:?B must name the build directory}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# The root's gcc is unpacked, not installed: no cc alternative.
mkdir "$T/bin"
ln -s "$(command -v gcc)" "$T/bin/cc"
export PATH=$T/bin:$PATH VFC_REAL=1
# sigrace (cli-conventions): 50 of each signal, not 200 (TCG).
export VFC_SIGRACE_N=${VFC_SIGRACE_N:-50}
echo "# arm64-host: $(uname -m), kernel $(uname -r), build $B"
for s in seccomp faults cli-conventions adversarial-writer adversarial-fds; do
	s0=$(date +%s) f0=$TAP_FAIL sum=
	while IFS= read -r l; do
		if [[ $l =~ ^ok\ [0-9]+\ -\ (.*)\ \#\ SKIP\ (.*)$ ]]; then
			TAP_N=$((TAP_N + 1)) TAP_SKIP=$((TAP_SKIP + 1))
			echo "ok $TAP_N - $s: ${BASH_REMATCH[1]} # SKIP ${BASH_REMATCH[2]}"
		elif [[ $l =~ ^ok\ [0-9]+\ -\ (.*)$ ]]; then
			tap_ok "$s: ${BASH_REMATCH[1]}"
		elif [[ $l =~ ^not\ ok\ [0-9]*\ ?-\ (.*)$ ]]; then
			tap_fail "$s: ${BASH_REMATCH[1]}"
		elif [[ $l =~ ^1\.\.0\ \#\ SKIP\ (.*)$ ]]; then
			TAP_N=$((TAP_N + 1)) TAP_SKIP=$((TAP_SKIP + 1))
			echo "ok $TAP_N - $s # SKIP ${BASH_REMATCH[1]}"
		elif [[ $l =~ ^[0-9]+\ passed,\ [0-9]+\ failed ]]; then
			sum=$l
		elif [[ $l =~ ^1\.\.[0-9]+$ ]]; then
			:
		elif [[ $l == \#* ]]; then
			echo "$l"
		else
			echo "# $l"
		fi
	done < <(
		tmo 600 "$I/ns-run" "$s.sh"
		echo "$?" >"$T/$s.rc"
	)
	rc=$(cat "$T/$s.rc")
	[ "$rc" = 0 ] || [ "$TAP_FAIL" -gt "$f0" ] || tap_fail "$s: exit $rc${sum:+ ($sum)}" \
		"$([ "$rc" = 124 ] && echo "timed out after 600 s" || echo "failed without a not ok line")"
	echo "# arm64-host $s: ${sum:-no summary}, exit $rc in $(($(date +%s) - s0))s"
done
tap_end
