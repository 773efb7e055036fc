#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A statically linked client (the edu DMA example built with -static): plain
# it uses type1; LD_PRELOAD cannot reach it; `vfiocompat run --mount-ns` puts
# it on iommufd with no code change, which the fd's device number proves, and
# plain `vfiocompat run` picks that strategy itself from what inspect finds.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
EDU=$B/examples/vfio-dma-edu-static
T=$(mktemp -d)
iommu=$(stat -c '%Hr:%Lr' /dev/iommu)

check "the client is statically linked" sh -c "! ldd '$EDU' >/dev/null 2>&1"
out=$(tmo 120 "$EDU" --list-fds "$VFC_EDU" 2>&1); rc=$?
CHECK_DIAG=$out
check "static client: edu DMA on type1" test "$rc" = 0
check "static client holds the type1 container (10:196)" grep -Eq 'fd [0-9]+ -> /dev/vfio/vfio char=10:196' <<<"$out"
out=$(VFIOCOMPAT_LOG=$T/r.jsonl LD_PRELOAD=$B/libvfiocompat.so tmo 120 "$EDU" --list-fds "$VFC_EDU" 2>&1); rc=$?
CHECK_DIAG=$out
check "LD_PRELOAD does not reach it: still 10:196, no report" \
	test "$rc" = 0 -a ! -e "$T/r.jsonl" -a -n "$(grep -E 'char=10:196' <<<"$out")"
for how in --mount-ns ""; do
	out=$(tmo 120 "$B/vfiocompat" run $how -- "$EDU" --list-fds "$VFC_EDU" 2>&1); rc=$?
	CHECK_DIAG=$out
	check "static client under vfiocompat run ${how:-(strategy chosen)}: edu DMA works on iommufd" test "$rc" = 0
	check "its container fd is /dev/iommu ($iommu) behind the /dev/vfio/vfio name" \
		grep -Eq "fd [0-9]+ -> /dev/vfio/vfio char=$iommu\$" <<<"$out"
	check "vfiocompat run says what it did" grep -q 'is /dev/iommu inside this mount namespace' <<<"$out"
	check "the host's /dev/vfio/vfio is untouched afterwards" test "$(stat -c '%Hr:%Lr' /dev/vfio/vfio)" = 10:196
done
check "without --mount-ns, run chose it from inspect's finding" grep -q 'using --mount-ns' <<<"$out"
out=$(tmo 120 "$B/vfiocompat" run --mount-ns --target /nonexistent -- true 2>&1); rc=$?
CHECK_DIAG=$out
check "bad --target: one clear line, exit 125" test "$rc" = 125 -a "$(wc -l <<<"$out")" = 1
rm -rf "$T"
tap_end
