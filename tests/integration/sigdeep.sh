#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Signals inside the shim's tracked paths (tests/helpers/sigdeep.c), run by
# ns-run: container work in a handler on a guarded 8 KiB sigaltstack with
# nested SA_ONSTACK signals, and 48 KiB handlers landing on threads in the
# middle of tracked ioctls. Nothing may crash, no frame or canary may be
# overwritten, and the summary must count exactly the calls made.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"

B=${B:?B must name the build directory}
# VFC_EXEC_WRAP: a runner for the built programs (check-arm64: qemu-aarch64).
X=${VFC_EXEC_WRAP:-}
SHIM=$B/libvfiocompat.so
SD=$B/helpers/sigdeep
T=$(mktemp -d "${TMPDIR:-/tmp}/vfc-sigdeep.XXXXXX")
trap 'rm -rf "$T"' EXIT
SAN_ENV=()
kib=8
if [ "${VFC_SANITIZE:-0}" = 1 ]; then
	SAN_ENV=(ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0)
	kib=64 # sanitizer frames are several times larger
fi

positive() { [ "${1:-0}" -gt 0 ] 2>/dev/null || { CHECK_DIAG="got '$1'"; return 1; }; }
kv() { grep -o "$1=[^ ]*" "$2" | head -n1 | cut -d= -f2; } # kv KEY FILE
q() { $X "$B/helpers/report-query" "$@"; }

# sd NAME ARGS...: run sigdeep under the shim, its report in $T/NAME.jsonl.
sd() {
	local name=$1
	shift
	env "${SAN_ENV[@]}" SIGSTACK_KIB=$kib LD_PRELOAD="$SHIM" VFIOCOMPAT_LOG="$T/$name.jsonl" \
		timeout 300 $X "$SD" "$@" >"$T/$name.out" 2>"$T/$name.err"
	echo $?
}

counts() { # counts NAME: the summary's api/ext calls against the helper's own
	local L=$T/$1.jsonl O=$T/$1.out
	check "$1: the summary counts exactly the GET_API_VERSION calls made ($(kv api "$O"))" is \
		"$(q "$L" summary ioctls.GET_API_VERSION.calls)" "$(kv api "$O")"
	check "$1: ... and the CHECK_EXTENSION calls ($(kv ext "$O"))" is \
		"$(q "$L" summary ioctls.CHECK_EXTENSION.calls)" "$(kv ext "$O")"
	check "$1: no migration state the program never set (mig_device_state 0)" is \
		"$(q "$L" summary migration.mig_device_state)" 0
	check "$1: no scratch shortage" is "$(grep -c scratch_exhausted "$L")" 0
}

# 1. Nested: a handler on the altstack, SIGALRM every 50 us on the same altstack.
rc=$(sd nested nested 300)
# Bound at load (-z now): a lazily bound first call from a handler runs the
# dynamic linker's resolver on the handler's stack (the lab's bookkeeping plan
# died on an 8 KiB sigaltstack that way).
check "the shim's imports are bound at load (BIND_NOW), never from a handler" \
	is "$(readelf -d "$SHIM" | grep -c 'Flags: NOW')" 1
check "nested: 300 rounds of container work in a handler on a guarded $kib KiB sigaltstack, nested SA_ONSTACK signals arriving (rc $rc)" is "$rc" 0
check "nested: nested signals landed ($(kv nested "$T/nested.out"))" positive "$(kv nested "$T/nested.out")"
check "nested: every nested frame below the live handler's (the thread stayed on its altstack)" is \
	"$(kv bad_frame "$T/nested.out")" 0
check "nested: the live handler's canary intact after every call" is "$(kv bad_canary "$T/nested.out")" 0
sed "s/^/# /" "$T/nested.out" "$T/nested.err"
counts nested
check "nested: 300 container opens counted" is "$(q "$T/nested.jsonl" summary containers)" 300

# 2. Threads: 48 KiB handlers on large thread stacks, in the middle of tracked ioctls.
for n in 8 1; do
	rc=$(sd threads$n threads $n 4000)
	check "threads$n: $n threads x at least 4000 rounds of tracked ioctls, 48 KiB handlers landing meanwhile (rc $rc)" is "$rc" 0
	check "threads$n: handlers ran ($(kv handled "$T/threads$n.out"))" positive "$(kv handled "$T/threads$n.out")"
	check "threads$n: every handler's 48 KiB pattern intact" is "$(kv big_bad "$T/threads$n.out")" 0
	check "threads$n: every thread's canary intact" is "$(kv bad_canary "$T/threads$n.out")" 0
	sed "s/^/# /" "$T/threads$n.out" "$T/threads$n.err"
	counts threads$n
	check "threads$n: $n container opens counted" is "$(q "$T/threads$n.jsonl" summary containers)" "$n"
done
tap_end
