#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Trial DPDK's testpmd on iommufd: dpdk-trial.sh BDF [SECONDS] [EAL ARGS...]
# Sends a tx-first burst, forwards for SECONDS (default 20), prints the
# statistics and quits. Hugepages must be set up (dpdk-hugepages.py --setup 512M).
. "$(dirname "$0")/trial-lib.sh"
[ $# -ge 1 ] || { echo "usage: dpdk-trial.sh BDF [SECONDS] [EAL ARGS...]" >&2; exit 2; }
bdf=$1 secs=${2:-20}
shift $(($# >= 2 ? 2 : 1))
case $secs in '' | *[!0-9]*) echo "dpdk-trial: SECONDS must be a whole number, not '$secs'" >&2; exit 2 ;; esac
# Interactive testpmd reads its commands only once its ports are up, so the
# burst always follows initialisation however slow that is (a fixed SIGINT
# could land inside it), and "quit" ends it with its own exit status.
vfc_trial dpdk dpdk-testpmd "$@" -a "$bdf" -- -i --nb-cores=1 --total-num-mbufs=2048 \
	< <(echo "start tx_first"; sleep "$secs"; echo stop; echo quit)
