#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `vfiocompat inspect` on real files of this host: /bin/ls, the examples
# (dynamic, static, a setuid copy, a file-capability copy) and hostile input
# (non-ELF, truncated, 32-bit, directory, device, FIFO, missing, huge sparse).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"

B=$(cd "${B:?B must name the build directory}" && pwd)
V=$B/vfiocompat
# VFC_EXEC_WRAP: a runner for the built programs (check-arm64: qemu-aarch64).
X=${VFC_EXEC_WRAP:-}
# A dynamic program of the build's architecture, no VFIO user (check-arm64:
# busybox:arm64, as inspect reads its own architecture only).
LS=${VFC_TARGET_LS:-/bin/ls}
EDU=$B/examples/vfio-dma-edu
STATIC=$B/examples/vfio-dma-edu-static
T=$(mktemp -d "${TMPDIR:-/tmp}/vfc-inspect.XXXXXX")
trap 'rm -rf "$T"' EXIT
SAN_ENV=()
[ "${VFC_SANITIZE:-0}" = 1 ] && SAN_ENV=(ASAN_OPTIONS=verify_asan_link_order=0)
lacks() { ! grep -q -- "$2" "$1" || { CHECK_DIAG="$(head -c 1500 "$1")"; return 1; }; }
lines_are() { [ "$(wc -l <"$1")" -eq "$2" ] || { CHECK_DIAG="$(cat "$1")"; return 1; }; }
# v ARGS...: run inspect with a time limit (a FIFO must not block it); rc in $rc.
v() { timeout 120 env "${SAN_ENV[@]}" $X "$V" inspect "$@" >"$T/o" 2>"$T/e"; rc=$?; }

v --help
check "--help: exit 0 with a usage line" has "$T/o" '^usage: vfiocompat inspect'
v
check "no binary: exit 2" rc_is "$rc" 2
check "no binary: says so" has "$T/e" '^vfiocompat inspect: no binary given'

# --- real binaries
v $LS
check "$LS: exit 0" rc_is "$rc" 0
check "$LS: 64-bit, dynamically linked" has "$T/o" '^  elf: *64-bit, dynamically linked$'
check "$LS: its interpreter" has "$T/o" '^  interpreter: */.*ld-.*\.so'
check "$LS: imports ioctl" has "$T/o" '^  libc imports: .*ioctl'
check "$LS: not a VFIO user, with the strategy it would need" \
	has "$T/o" '^  verdict: *not a VFIO user: no reference to /dev/vfio or /dev/iommu.*; if it were one: '
check "$LS: the verdict is the block's last line" test "$(tail -n 1 "$T/o" | cut -c1-11)" = "  verdict: "
cp "$T/o" "$T/ls.out"

v "$EDU"
check "vfio-dma-edu: exit 0" rc_is "$rc" 0
check "vfio-dma-edu: imports open and ioctl" has "$T/o" '^  libc imports: *open, ioctl$'
check "vfio-dma-edu: references the container" has "$T/o" '^  references: */dev/vfio/vfio'
check "vfio-dma-edu: preload works" has "$T/o" '^  verdict: *preload works: it is dynamically linked'

v "$STATIC"
check "vfio-dma-edu-static: exit 0" rc_is "$rc" 0
check "vfio-dma-edu-static: statically linked, no interpreter" has "$T/o" '^  interpreter: *none$'
check "vfio-dma-edu-static: no libc imports" has "$T/o" '^  libc imports: *none (statically linked'
check "vfio-dma-edu-static: use --mount-ns" has "$T/o" '^  verdict: *use --mount-ns: it is statically linked'
cp "$T/o" "$T/static.out"

ln -s "$EDU" "$T/edu-link"
v "$T/edu-link"
check "a symlink is followed" has "$T/o" '^  verdict: *preload works'

cp "$EDU" "$T/edu-setuid"
chmod 4755 "$T/edu-setuid"
v "$T/edu-setuid"
check "setuid copy: secure exec shown" has "$T/o" '^  secure exec: *yes: setuid'
check "setuid copy: use the eBPF audit" has "$T/o" '^  verdict: *use the eBPF audit: it is setuid'

cp "$EDU" "$T/edu-caps"
if command -v setcap >/dev/null && setcap cap_net_raw+ep "$T/edu-caps" 2>"$T/setcap.err"; then
	v "$T/edu-caps"
	check "file capabilities: secure exec shown" has "$T/o" '^  secure exec: *yes: file-capabilities'
	check "file capabilities: use the eBPF audit" has "$T/o" '^  verdict: *use the eBPF audit: it has file capabilities'
else
	tap_skip "file capabilities" "setcap unavailable or refused ($(head -c 100 "$T/setcap.err" 2>/dev/null)); needs libcap2-bin and CAP_SETFCAP"
fi

# --- hostile input: one line on stderr each, exit 2
bad() { # bad DESC PATTERN PATH: exit 2, one stderr line "vfiocompat inspect: PATH: PATTERN...; remedy"
	v "$3"
	check "$1: exit 2" rc_is "$rc" 2
	check "$1: one line naming path, problem and remedy" has "$T/e" "^vfiocompat inspect: $3: $2.*; "
	check "$1: nothing else" lines_are "$T/e" 1
}
printf 'hello\n' >"$T/text"
bad "non-ELF file" "not an ELF binary" "$T/text"
printf '#!/bin/sh\necho hi\n' >"$T/script"
bad "script" 'a script (#!/bin/sh)' "$T/script"
head -c 4096 "$EDU" >"$T/truncated"
bad "truncated ELF (head -c 4096)" "truncated ELF" "$T/truncated"
head -c 40 "$EDU" >"$T/short"
bad "ELF cut inside its header" "truncated ELF" "$T/short"
if echo 'int main(void){return 0;}' | gcc -m32 -x c -o "$T/elf32" - 2>/dev/null; then
	how="gcc -m32"
else
	# No 32-bit toolchain: a minimal ELF32 header (i386 executable), as the class byte is what counts.
	python3 -c 'import struct,sys; sys.stdout.buffer.write(b"\x7fELF\x01\x01\x01" + bytes(9) + struct.pack("<HHIIIIIHHHHHH", 2, 3, 1, 0x8048000, 52, 0, 0, 52, 32, 0, 40, 0, 0))' >"$T/elf32"
	how="crafted header"
fi
bad "32-bit ELF ($how)" "32-bit ELF" "$T/elf32"
bad "directory" "a directory" "$T"
bad "/dev/null" "a character device" /dev/null
mkfifo "$T/fifo"
bad "FIFO without a writer (must not block)" "a FIFO" "$T/fifo"
check "... and did not hang" test "$rc" != 124
bad "nonexistent path" "no such file" "$T/missing"
: >"$T/empty"
bad "empty file" "empty file" "$T/empty"

# A huge (sparse) binary: the scan stops at 256 MiB and says so.
cp "$EDU" "$T/huge"
truncate -s 3G "$T/huge"
start=$(date +%s)
v "$T/huge"
check "3 GiB file: exit 0" rc_is "$rc" 0
check "3 GiB file: the scan is capped and says so" has "$T/o" '^  scanned: *first 256 MiB of 3072 MiB (capped)$'
check "3 GiB file: still judged on what was read" has "$T/o" '^  verdict: *preload works'
check "3 GiB file: in under 60 s" test $(($(date +%s) - start)) -lt 60

# --- many binaries: a bad one does not stop the others
v $LS "$T/text" "$EDU"
check "mixed list: exit 2" rc_is "$rc" 2
check "mixed list: the good ones are still inspected" test "$(grep -c '^  verdict:' "$T/o")" -eq 2
check "mixed list: one error line" lines_are "$T/e" 1

# --- JSON: one object per line and binary, errors included
v $LS "$EDU" "$STATIC" "$T/edu-setuid" "$T/text" --json
check "--json after the binaries: exit 2 for the non-ELF" rc_is "$rc" 2
check "--json: one object per binary, fields as documented" python3 -c '
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
assert len(objs) == 5, objs
ls, edu, st, suid, text = objs
for o in (ls, edu, st, suid):
    assert o["inspected"] is True and o["elf_class"] == 64, o
    for k in ("dynamic", "interpreter", "setuid", "setgid", "file_caps", "imports",
              "refs_vfio_container", "refs_iommu", "go", "go_version", "rust", "musl",
              "scanned_bytes", "scan_capped", "strategy", "verdict", "reason",
              "strategy_if_vfio_user", "reason_if_vfio_user"):
        assert k in o, (k, o)
assert ls["path"] == sys.argv[2] and ls["strategy"] == "not-vfio" and ls["vfio_user"] is False, ls
assert ls["dynamic"] is True and "ioctl" in ls["imports"], ls
assert edu["strategy"] == "preload" and edu["verdict"] == "preload works", edu
assert {"open", "ioctl"} <= set(edu["imports"]) and edu["refs_vfio_container"] is True, edu
assert st["strategy"] == "mount-ns" and st["dynamic"] is False and st["interpreter"] is None, st
assert suid["strategy"] == "ebpf-audit" and suid["setuid"] is True, suid
assert text["inspected"] is False and "not an ELF binary" in text["error"], text
' "$T/o" "$LS"
check "--json: errors still on stderr" lines_are "$T/e" 1

# The outputs quoted in tools/README.md, for the record.
echo "# inspect $LS:"
sed 's/^/#   /' "$T/ls.out"
echo "# inspect vfio-dma-edu-static:"
sed 's/^/#   /' "$T/static.out"
tap_end
