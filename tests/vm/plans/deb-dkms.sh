#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The built vfiocompat-dkms package in the lab (issue 30): DKMS builds the
# packaged module source for the running lab kernel against its tree, and the
# module it built loads and provides its node. The root is the host's,
# read-only over 9p: the package is unpacked into tmpfs, and DKMS gets its own
# trees there (--sourcetree, --dkmstree: /usr/src and /var/lib/dkms stay the
# host's). Slow under TCG (the module's build alone takes about 160 s).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
T=$(mktemp -d)
export TMPDIR=$T
R=$T/root
mkdir -p "$R"
deb=$(compgen -G "$B/deb/vfiocompat-dkms_*_all.deb" | head -n1)
CHECK_DIAG=$(ls -l "$B/deb" 2>&1)
check "the built package is there (make deb): ${deb##*/}" test -s "$deb"
dpkg-deb -x "$deb" "$R" || tap_fail "dpkg-deb -x $deb"

# DKMS: the packaged module source, built for the running lab kernel against its tree.
kver=$(uname -r)
S=$(cd "$R/usr/src" && echo vfiocompat-*)
mv=${S#vfiocompat-}
dk=(--sourcetree "$R/usr/src" --dkmstree "$T/dkms")
mkdir -p "$T/dkms"
s=$(date +%s)
{ dkms add -m vfiocompat -v "$mv" "${dk[@]}" &&
	dkms build -m vfiocompat -v "$mv" -k "$kver" --kernelsourcedir "${VFC_KSRC:?}" "${dk[@]}"; } >"$T/dkms.log" 2>&1
rc=$?
ko=$T/dkms/vfiocompat/$mv/$kver/$(uname -m)/module/vfiocompat.ko
CHECK_DIAG="$(tail -n 20 "$T/dkms.log"; cat "$T/dkms/vfiocompat/$mv/build/make.log" 2>/dev/null | tail -n 20)"
check "dkms add + build vfiocompat/$mv for $kver against the lab tree ($(($(date +%s) - s))s)" test "$rc" = 0 -a -s "$ko"
CHECK_DIAG=$(modinfo "$ko" 2>&1)
check "... the module says version $mv and vermagic $kver" sh -c "test \"\$(modinfo -F version '$ko')\" = '$mv' && modinfo -F vermagic '$ko' | grep -q '^$kver '"
grep -q '^vfiocompat ' /proc/modules && rmmod vfiocompat
out=$(insmod "$ko" 2>&1); rc=$?
CHECK_DIAG="$out $(dmesg | tail -n 5)"
check "... it loads, and /dev/vfio/iommufd-compat appears" sh -c "test $rc = 0 && test -c /dev/vfio/iommufd-compat"
grep -q '^vfiocompat ' /proc/modules && rmmod vfiocompat
check "... and unloads" sh -c "! grep -q '^vfiocompat ' /proc/modules"

tap_end
