#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `vfiocompat audit` (the eBPF audit) on the host: every reason it cannot run
# is one line and exit 2, before anything is loaded. (Loading and the reports
# themselves need the lab kernel: tests/vm/plans/ebpf-audit.sh.)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"

B=${B:?B must name the build directory}
B=$(cd "$B" && pwd)
V=$B/vfiocompat
# VFC_EXEC_WRAP: a runner for the built programs (check-arm64: qemu-aarch64).
X=${VFC_EXEC_WRAP:-}
T=$(mktemp -d "${TMPDIR:-/tmp}/vfc-ebpf.XXXXXX")
trap 'rm -rf "$T"' EXIT
chmod 0755 "$T" # uid 65534 below must reach its directories
SAN_ENV=()
[ "${VFC_SANITIZE:-0}" = 1 ] && SAN_ENV=(ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0)
export VFIOCOMPAT_AUDIT_LOCK=$T/lock
# one DESC WANT-GREP ARGS...: exit 2 with exactly one line naming WANT.
one() {
	local d=$1 want=$2 rc
	shift 2
	env "${SAN_ENV[@]}" "$@" >"$T/o" 2>"$T/e"
	rc=$?
	CHECK_DIAG="exit $rc: $(cat "$T/o" "$T/e")"
	check "$d: one line, exit 2" sh -c "test $rc = 2 && test \$(cat '$T/o' '$T/e' | wc -l) = 1 && grep -q -- '$want' '$T/e'"
	CHECK_DIAG=
}

env "${SAN_ENV[@]}" $X "$V" audit --help >"$T/o" 2>&1
check "audit --help: exit 0, the usage" grep -q '^usage: vfiocompat audit' "$T/o"
check "vfiocompat --help lists audit" sh -c "$X '$V' --help | grep -q '^  audit '"
one "an unknown option" "unknown option" $X "$V" audit --bogus
one "an extra argument" "unexpected argument" $X "$V" audit extra
one "--pid 0" "not a process id" $X "$V" audit --pid 0
one "--pid of no process" "no such process" $X "$V" audit --pid 999999999
one "--comm longer than 15 bytes" "1 to 15 bytes" $X "$V" audit --comm 0123456789abcdef
one "--duration x" "not a number of seconds" $X "$V" audit --duration x
one "a missing output directory" "output directory $T/none: No such file" $X "$V" audit -o "$T/none"
: >"$T/file"
one "an output 'directory' that is a file" "is not a directory" $X "$V" audit -o "$T/file"
mkdir "$T/ro"
chmod 0555 "$T/ro"
one "an unwritable output directory (uid 65534)" "not writable" \
	setpriv --reuid 65534 --regid 65534 --clear-groups $X "$V" audit -o "$T/ro"
one "without CAP_BPF/CAP_PERFMON (uid 65534)" "needs CAP_BPF and CAP_PERFMON" \
	setpriv --reuid 65534 --regid 65534 --clear-groups $X "$V" audit -o /tmp
# The lock held by another instance (flock holding it, as the audit does).
echo 4242 >"$T/lock"
flock -o "$T/lock" sleep 30 &
holder=$!
for _ in $(seq 50); do flock -n "$T/lock" true || break; sleep 0.1; done
one "a second instance" "another vfiocompat audit is running (pid 4242" $X "$V" audit -o "$T"
pkill -P "$holder" sleep 2>/dev/null
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
one "no BTF" "this kernel has no BTF" env VFIOCOMPAT_AUDIT_BTF=$T/none $X "$V" audit -o "$T"
one "no VFIO container handler in the kernel's BTF" "no VFIO type1 container in this kernel" \
	env VFIOCOMPAT_AUDIT_SYMBOL=vfc_no_such_function $X "$V" audit -o "$T"
check "nothing was written to the output directory" test -z "$(ls -A "$T/ro")"
tap_end
