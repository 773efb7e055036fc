#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The host integration cases again, against the real /dev/vfio/vfio and /dev/iommu.
here=$(cd "$(dirname "$0")" && pwd)
exec env VFC_REAL=1 "$here/../../integration/cases.sh"
