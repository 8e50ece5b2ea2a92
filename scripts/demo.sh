#!/usr/bin/env bash
# One command from a fresh clone to a running demo storefront on http://localhost:3000:
# installs dependencies, builds when the sources changed, and starts everything.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # Not `npm ci`: the registry reachable here has no builds for other platforms,
  # so the lock cannot list them and `npm ci` refuses; `npm install` honours the lock.
  npm install --no-audit --no-fund
fi
if [ ! -f .next/BUILD_ID ] || [ -n "$(find app components lib prisma next.config.js package-lock.json -newer .next/BUILD_ID -print -quit)" ]; then
  npm run build
fi
exec node_modules/.bin/tsx scripts/start.ts "$@"
