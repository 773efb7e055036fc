#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The Debian packages (`make deb`, debian/, docs/packaging.md): they build
# (or are reused when no packaged file changed), lintian finds no error and
# every tag it still reports (overridden or not) is justified in
# docs/packaging.md, one version runs through every file that names it, and
# the unpacked packages hold what they should: the library in the multiarch
# directory and a command that preloads it from there, the helper, man pages,
# completion, systemd units, and the module's DKMS tree.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../lib/tap.sh"
B=${B:?B must name the build directory}
T=$(mktemp -d "${TMPDIR:-/tmp}/vfc-deb.XXXXXX")
trap 'rm -rf "$T"' EXIT
D=$B/deb

# One version: the command's and the module's (include/vfiocompat/version.h,
# which kernel/vfiocompat.h includes), DKMS's and the package's.
v=$(sed -n 's/^#define VFC_VERSION[[:space:]]*"\(.*\)"/\1/p' "$top/include/vfiocompat/version.h")
kv=$(grep -c '^#include "vfiocompat/version.h"' "$top/kernel/vfiocompat.h")
dv=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/kernel/dkms.conf")
cv=$(cd "$top" && dpkg-parsechangelog -S Version 2>/dev/null)
CHECK_DIAG="version.h $v, kernel/vfiocompat.h includes it: $kv, kernel/dkms.conf $dv, debian/changelog $cv"
check "one version ($v): version.h (the module's too), dkms.conf and debian/changelog agree" \
	test -n "$v" -a "$kv" = 1 -a "$dv" = "$v" -a "$cv" = "$v"

s=$(date +%s)
make -s -C "$top" B="$B" deb >"$T/make.log" 2>&1; rc=$?
CHECK_DIAG=$(tail -n 30 "$T/make.log")
check "make deb succeeds ($(($(date +%s) - s))s; rebuilt only when a packaged file changed)" test "$rc" = 0
arch=$(dpkg --print-architecture)
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
deb=$D/vfiocompat_${v}_$arch.deb
dkms=$D/vfiocompat-dkms_${v}_all.deb
check "the packages are in $D: vfiocompat_${v}_$arch.deb, vfiocompat-dkms_${v}_all.deb" test -s "$deb" -a -s "$dkms"
if [ ! -s "$deb" ] || [ ! -s "$dkms" ]; then
	tap_end
	exit 1
fi

# lintian (run by make deb, --fail-on error, overrides shown).
L=$D/lintian.txt
CHECK_DIAG=$(grep -E '^[EWIPXO]: ' "$L")
check "lintian ran on the packages" test -s "$L"
check "lintian: no error" sh -c "! grep -q '^E: ' '$L'"
for tag in $(sed -n 's/^[WIPXO]: [^:]*: \([a-z0-9-]*\).*/\1/p' "$L" | sort -u); do
	check "lintian's $tag is justified in docs/packaging.md" grep -q "\`$tag\`" "$top/docs/packaging.md"
done

R=$T/root
mkdir -p "$R"
dpkg-deb -x "$deb" "$R" && dpkg-deb -x "$dkms" "$R"
lib=usr/lib/$ma/libvfiocompat.so
check "the library is in the multiarch directory: /$lib" test -s "$R/$lib"
check "... and nowhere else" test "$(cd "$R" && find . -name 'libvfiocompat.so*' | sed 's|^\./||')" = "$lib"
check "the command is /usr/bin/vfiocompat, and says version $v" sh -c "test \"\$('$R/usr/bin/vfiocompat' --version | cut -d' ' -f2)\" = '$v'"
CHECK_DIAG=$(strings "$R/usr/bin/vfiocompat" | grep -E '^/usr/(local|lib)' | head)
check "the packaged vfiocompat run embeds /$lib, and no /usr/local path" sh -c "strings '$R/usr/bin/vfiocompat' | grep -qx '/$lib' && ! strings '$R/usr/bin/vfiocompat' | grep -Eq '/usr/local/(lib|share)'"
# Outside the installed system the library is absent: run's one line names where it looked.
"$R/usr/bin/vfiocompat" run --preload -- true >"$T/o" 2>&1; rc=$?
CHECK_DIAG=$(cat "$T/o")
check "... run looks there for it (exit 125, one line naming /usr/lib/$ma)" sh -c "test $rc = 125 && grep -q '/usr/lib/$ma' '$T/o'"
# With the library at that path (here a copy beside the command: run's first
# place), run preloads it.
cp "$R/$lib" "$R/usr/bin/"
out=$("$R/usr/bin/vfiocompat" run --preload -- sh -c 'echo "$LD_PRELOAD"' 2>/dev/null)
CHECK_DIAG=$out
check "... and preloads the packaged library" test "$out" = "$R/usr/bin/libvfiocompat.so"
rm -f "$R/usr/bin/libvfiocompat.so"
check "the libvirt helper: /usr/libexec/vfiocompat/vfiocompat-libvirt, linked to the multiarch library path" \
	sh -c "test -x '$R/usr/libexec/vfiocompat/vfiocompat-libvirt' && strings '$R/usr/libexec/vfiocompat/vfiocompat-libvirt' | grep -q '/usr/lib/$ma' &&
	! strings '$R/usr/libexec/vfiocompat/vfiocompat-libvirt' | grep -Eq '/usr/local/lib|^/usr/lib/libvfiocompat'"
for f in usr/share/man/man1/vfiocompat.1.gz usr/share/man/man7/libvfiocompat.7.gz \
	usr/share/bash-completion/completions/vfiocompat usr/share/doc/vfiocompat/copyright \
	usr/share/doc/vfiocompat/packaging.md.gz usr/include/vfiocompat/report.h \
	usr/lib/$ma/pkgconfig/vfiocompat.pc; do
	check "packaged: /$f" test -s "$R/$f"
done
CHECK_DIAG=$(grep -n LD_PRELOAD "$R/usr/share/doc/vfiocompat/examples/vfiocompat-trial.conf")
check "the example drop-in names the packaged library" grep -qx "Environment=LD_PRELOAD=/$lib" "$R/usr/share/doc/vfiocompat/examples/vfiocompat-trial.conf"
CHECK_DIAG=$(zcat "$R/usr/share/man/man1/vfiocompat.1.gz" | grep -n '/usr/' | head)
check "vfiocompat(1) names /$lib, never /usr/local" sh -c "zcat '$R/usr/share/man/man1/vfiocompat.1.gz' | grep -q '/$lib' && ! zcat '$R/usr/share/man/man1/vfiocompat.1.gz' | grep -q /usr/local"

# systemd units (bookworm: /lib/systemd/system), the script they run, and the
# maintainer scripts dh_installsystemd wrote: the timer enabled, not the service.
U=$R/lib/systemd/system
check "systemd units: vfiocompat-report.service and .timer" test -s "$U/vfiocompat-report.service" -a -s "$U/vfiocompat-report.timer"
check "... the service runs /usr/libexec/vfiocompat/report-textfile, packaged and executable" sh -c "
	grep -qx 'ExecStart=/usr/libexec/vfiocompat/report-textfile /var/log/vfiocompat /var/lib/prometheus/node-exporter/vfiocompat.prom' '$U/vfiocompat-report.service' &&
	test -x '$R/usr/libexec/vfiocompat/report-textfile' && grep -q '^VFIOCOMPAT=\${VFIOCOMPAT:-/usr/bin/vfiocompat}' '$R/usr/libexec/vfiocompat/report-textfile'"
dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./postinst >"$T/postinst" 2>/dev/null
CHECK_DIAG=$(grep -n systemd "$T/postinst")
check "postinst enables and starts the timer" sh -c "grep -q \"deb-systemd-helper enable 'vfiocompat-report.timer'\" '$T/postinst' && grep -q \"deb-systemd-invoke .* 'vfiocompat-report.timer'\" '$T/postinst'"
check "... and does not enable the service itself (the timer starts it)" sh -c "! grep -q 'vfiocompat-report.service' '$T/postinst'"

# The DKMS package: the module's source under /usr/src/vfiocompat-VERSION.
S=$R/usr/src/vfiocompat-$v
check "DKMS tree /usr/src/vfiocompat-$v has dkms.conf naming vfiocompat $v" sh -c "
	grep -qx 'PACKAGE_NAME=\"vfiocompat\"' '$S/dkms.conf' && grep -qx 'PACKAGE_VERSION=\"$v\"' '$S/dkms.conf'"
for f in "$top"/kernel/*.c "$top"/kernel/*.h "$top/kernel/Kbuild" "$top/kernel/Makefile"; do
	check "DKMS tree: ${f##*/} as in kernel/" cmp -s "$f" "$S/${f##*/}"
done
# Kbuild's shared headers (the node's names, the version; the feature table
# went with the module's audit).
for f in module.h version.h; do
	check "DKMS tree: include/vfiocompat/$f as in include/vfiocompat/" \
		cmp -s "$top/include/vfiocompat/$f" "$S/include/vfiocompat/$f"
done
# DKMS builds the packaged tree (its own trees in $T: nothing of the host's
# /var/lib/dkms is touched) against Debian's linux-headers for 6.12, as on an
# installed bookworm-backports host (scripts/module-headers unpacks them).
if kdir=$("$top/scripts/module-headers" 6.12 2>"$T/mh"); then
	krel=$(basename "$kdir"); krel=${krel#linux-headers-}
	dk=(--sourcetree "$R/usr/src" --dkmstree "$T/dkms")
	mkdir -p "$T/dkms"
	{ dkms add -m vfiocompat -v "$v" "${dk[@]}" &&
		dkms build -m vfiocompat -v "$v" -k "$krel" --kernelsourcedir "$kdir" "${dk[@]}"; } >"$T/dkms.log" 2>&1
	rc=$?
	ko=$T/dkms/vfiocompat/$v/$krel/$(uname -m)/module/vfiocompat.ko
	CHECK_DIAG="$(tail -n 20 "$T/dkms.log"; tail -n 20 "$T/dkms/vfiocompat/$v/build/make.log" 2>/dev/null)"
	check "dkms add + build of the packaged tree against linux-headers-$krel" test "$rc" = 0 -a -s "$ko"
	CHECK_DIAG=$(modinfo "$ko" 2>&1)
	check "... the module says version $v and vermagic $krel" sh -c "test \"\$(modinfo -F version '$ko')\" = '$v' && modinfo -F vermagic '$ko' | grep -q '^$krel '"
else
	tap_fail "Debian's linux-headers 6.12 for the DKMS build (scripts/module-headers 6.12)" "$(cat "$T/mh")"
fi
dpkg-deb --ctrl-tarfile "$dkms" | tar -xOf - ./postinst >"$T/dpostinst" 2>/dev/null
check "vfiocompat-dkms depends on dkms and its postinst runs DKMS's (add, build, install)" sh -c "
	dpkg-deb -f '$dkms' Depends | grep -q '^dkms' && grep -q 'common.postinst' '$T/dpostinst'"
tap_end
