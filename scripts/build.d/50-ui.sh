#!/usr/bin/env bash
# Browser UI bundle (esbuild) into ui/dist/. Idempotent: rebuilds from source every time.
set -euo pipefail
cd "$(dirname "$0")/../.."
node --import tsx ui/build.ts
