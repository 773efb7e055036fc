#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Trial DPDK's testpmd on iommufd: dpdk-trial.sh BDF [SECONDS] [EAL ARGS...]
# Sends a tx-first burst, prints stats, stops after SECONDS (default 20).
# Hugepages must be set up (dpdk-hugepages.py --setup 512M).
. "$(dirname "$0")/trial-lib.sh"
[ $# -ge 1 ] || { echo "usage: dpdk-trial.sh BDF [SECONDS] [EAL ARGS...]" >&2; exit 2; }
bdf=$1 secs=${2:-20}
shift $(($# >= 2 ? 2 : 1))
# SIGINT lets testpmd stop its ports and print the final stats.
VFC_TRIAL_OK_RC=124 vfc_trial dpdk timeout -s INT "$secs" dpdk-testpmd "$@" -a "$bdf" -- --tx-first --stats-period 5 --nb-cores=1 \
	--total-num-mbufs=2048 </dev/null
rc=$?
# timeout reports 124 when it had to stop the program: that is the normal end here.
[ "$rc" -eq 124 ] && exit 0
exit "$rc"
