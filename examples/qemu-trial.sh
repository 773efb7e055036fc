#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Trial a QEMU command line on iommufd: qemu-trial.sh qemu-system-x86_64 ARGS...
# (any -device vfio-pci,host=BDF in it uses /dev/iommu through the shim).
. "$(dirname "$0")/trial-lib.sh"
[ $# -gt 0 ] || { echo "usage: qemu-trial.sh qemu-system-x86_64 ARGS..." >&2; exit 2; }
vfc_trial qemu "$@"
