#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The built Debian packages in the lab (issue 30): `make deb`'s packages are
# unpacked into the guest's tmpfs and their files made visible at the paths
# they install to, and the packaged command and library do the work, not
# build/'s: run preloads /usr/lib/<triplet>/libvfiocompat.so into a real VFIO
# program on the lab's iommufd, and report and the report timer's script read
# what it wrote. DKMS's build of the packaged module: plans/deb-dkms.sh.
# The root is the host's, read-only over 9p, so nothing is installed with
# dpkg: in a private mount namespace, the multiarch library directory becomes
# a tmpfs of links to the real one plus the packaged library (the lab kernel
# has no overlayfs).
set -u
if [ -z "${VFC_DEB_NS:-}" ]; then
	exec env VFC_DEB_NS=1 unshare --mount --propagation private "$0" "$@"
fi
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
BDF=${VFC_EDU:?edu not bound}
EDU=$B/examples/vfio-dma-edu
T=$(mktemp -d)
export TMPDIR=$T

R=$T/root
mkdir -p "$R"
debs=("$B"/deb/vfiocompat_*.deb "$B"/deb/vfiocompat-dkms_*_all.deb)
CHECK_DIAG=$(ls -l "$B/deb" 2>&1)
check "the built packages are there (make deb): ${debs[*]##*/}" test -s "${debs[0]}" -a -s "${debs[1]}"
for d in "${debs[@]}"; do dpkg-deb -x "$d" "$R" || tap_fail "dpkg-deb -x $d"; done
lib=$(cd "$R" && echo usr/lib/*/libvfiocompat.so)
LIBD=/${lib%/*}
V=$R/usr/bin/vfiocompat
check "unpacked: the command and the library in the multiarch directory ($LIBD)" test -x "$V" -a -s "$R/$lib"

# /usr/lib/<triplet> as installed: links to every entry of the real one, and
# the packaged library. Between the mount and the links no dynamic program
# can start (ld.so is in there): busybox-static makes the links.
mkdir "$T/orig"
mount --bind "$LIBD" "$T/orig"
mount -t tmpfs -o mode=0755 tmpfs "$LIBD"
busybox ln -s "$T"/orig/* "$LIBD"/
busybox cp "$R/$lib" "$LIBD/libvfiocompat.so"
check "the packaged library is at /$lib, and the system's programs still run" sh -c "cmp -s '$R/$lib' '/$lib' && true"

v=$("$V" --version | cut -d' ' -f2)
check "the packaged command runs: vfiocompat $v" test -n "$v"
out=$("$V" run --preload -- sh -c 'echo "$LD_PRELOAD"; grep -q libvfiocompat.so /proc/self/maps && echo mapped' 2>/dev/null)
CHECK_DIAG=$out
check "the packaged run preloads /$lib (the path it was built with), and it is mapped" test "$out" = "/$lib
mapped"

# A real VFIO program (build/'s edu example: a test program, not the product)
# trialled on the lab's iommufd by the packaged command and library.
tmo 300 "$V" run -- "$EDU" --list-fds "$BDF" >"$T/o" 2>"$T/e"; rc=$?
CHECK_DIAG="$(cat "$T/o" "$T/e")"
check "packaged run -- edu example: exit 0" test "$rc" = 0
check "... the example held /dev/iommu (the packaged library redirected its container)" grep -Eq 'fd [0-9]+ -> /dev/iommu( |$)' "$T/o"
check "... verdict READY" has "$T/e" '^vfiocompat run: verdict READY; 1 process'
# run names its reports as a pattern (DIR/*-*.jsonl).
mapfile -t reps < <(compgen -G "$(sed -n 's/.*details: vfiocompat report //p' "$T/e")")
check "... the report (${#reps[@]} file) names the packaged version $v" sh -c "test ${#reps[@]} = 1 && grep -q '\"version\":\"$v\"' '${reps[0]:-none}'"
mkdir -p "$T/logs/unit" "$T/textfile"
cp "${reps[@]}" "$T/logs/unit/"
VFIOCOMPAT=$V "$R/usr/libexec/vfiocompat/report-textfile" "$T/logs" "$T/textfile/vfiocompat.prom" >"$T/o" 2>&1; rc=$?
CHECK_DIAG="$(cat "$T/o" "$T/textfile/vfiocompat.prom" 2>&1)"
check "the packaged report timer's script: exit 0, verdict ready, 1 report file" sh -c "test $rc = 0 &&
	grep -qx 'vfiocompat_verdict{verdict=\"ready\"} 1' '$T/textfile/vfiocompat.prom' &&
	grep -qx 'vfiocompat_report_files 1' '$T/textfile/vfiocompat.prom'"

umount "$LIBD" 2>/dev/null
umount "$T/orig" 2>/dev/null
tap_end
