#!/usr/bin/env bash
# One command from a fresh clone to a running demo storefront on http://localhost:3000:
# installs dependencies, builds when the sources changed, and starts everything.
set -euo pipefail
cd "$(dirname "$0")/.."

# Exactly what the lockfile lists; skipped while node_modules already matches it.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
if [ ! -f .next/BUILD_ID ] || [ -n "$(find app components lib prisma next.config.js package-lock.json -newer .next/BUILD_ID -print -quit)" ]; then
  npm run build
fi
exec node_modules/.bin/tsx --import=./scripts/server-only.mjs scripts/start.ts "$@"
