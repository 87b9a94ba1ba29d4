#!/usr/bin/env bash
# Lab machine system (kernel link + busybox initramfs) into var/lab/. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash lab/system/build-initramfs.sh var/lab
# Decide KVM vs TCG now (cached per boot in var/cache/accel.json) rather than in the first test.
node --import tsx lab/vm/probe-accel-cli.ts
