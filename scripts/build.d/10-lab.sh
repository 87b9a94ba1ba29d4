#!/usr/bin/env bash
# Lab machine system (kernel link + busybox initramfs) into var/lab/. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash lab/system/build-initramfs.sh var/lab
