#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Trial QEMU's nvme:// userspace driver on iommufd with a write+read check:
# qemu-io-trial.sh BDF [SIZE]   (the NVMe device must be bound to vfio-pci;
# the data on namespace 1 at offset 0 is overwritten).
. "$(dirname "$0")/trial-lib.sh"
[ $# -ge 1 ] || { echo "usage: qemu-io-trial.sh BDF [SIZE]" >&2; exit 2; }
size=${2:-1M}
vfc_trial qemu-io qemu-io -f raw -c "write -P 0x5a 0 $size" -c "read -P 0x5a 0 $size" "nvme://$1/1"
