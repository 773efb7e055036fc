#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The shim's bookkeeping cases against the real /dev/vfio nodes: a real group,
# a real type1 container inherited across exec, the fix-up on a sigaltstack.
here=$(cd "$(dirname "$0")" && pwd)
exec env VFC_REAL=1 "$here/../../integration/bookkeeping.sh"
