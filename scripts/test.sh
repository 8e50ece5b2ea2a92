#!/usr/bin/env bash
# One command from a fresh clone to the whole suite: installs what the tests
# need (npm packages from the lockfile, Debian's PostgreSQL and Chromium),
# starts PostgreSQL, builds, type-checks, lints, then runs unit, contract,
# integration (PGlite and PostgreSQL) and browser tests. Ends with one line:
# "N passed, N failed", where the type check, lint and build count as one each.
set -uo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }
die() { echo "test setup failed: $*" >&2; exit 1; }

step "System packages"
missing=()
command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null) \
    || die "could not install ${missing[*]} with apt-get (run as root)"
fi

step "PostgreSQL"
cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
[ -n "$cluster" ] || die "no PostgreSQL cluster found (pg_lsclusters)"
# shellcheck disable=SC2086
pg_ctlcluster --skip-systemctl-redirect $cluster start 2>/dev/null || true
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
pg_isready -q -h 127.0.0.1 || die "PostgreSQL did not start"
su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null || die "could not set the postgres password"
export TEST_POSTGRES_URL="postgresql://postgres:postgres@127.0.0.1:5432/postgres"

step "npm packages"
# Exactly what the lockfile lists; skipped while node_modules already matches it.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund || die "npm ci failed"
fi

rm -rf test-results && mkdir -p test-results
status=0
checks_passed=0
failed_checks=""
# check NAME COMMAND...: runs one whole-tree check; it counts as one passed or failed.
check() {
  local name=$1
  shift
  if "$@"; then
    checks_passed=$((checks_passed + 1))
  else
    failed_checks+="${failed_checks:+, }$name"
    status=1
  fi
}

step "Production build"
# First: it writes the route types (.next/types) the type check then covers; the build itself checks no types (next.config.js).
build() { npm run build >test-results/build.log 2>&1 || { tail -40 test-results/build.log; return 1; }; }
check "build" build

step "Type check (with the route types of the build) and lint (ESLint, Prettier), side by side"
# finished PID LOG: waits for a background check and shows what it printed.
finished() {
  wait "$1"
  local rc=$?
  cat "$2"
  return $rc
}
node_modules/.bin/tsc --noEmit >test-results/typecheck.log 2>&1 &
typecheck_pid=$!
npm run --silent lint >test-results/lint.log 2>&1 &
lint_pid=$!
check "type check" finished $typecheck_pid test-results/typecheck.log
check "lint" finished $lint_pid test-results/lint.log

step "Unit, contract and integration tests (vitest), one process per database engine, side by side"
# Each database project runs its files one at a time on its own database, and Vitest
# runs one sequential group after another: on two cores, one process would run the
# PGlite and PostgreSQL halves back to back. Two processes run them at once; the
# database-free project rides with the PostgreSQL half, which is the shorter one.
vitest_half() {
  local name=$1
  shift
  node_modules/.bin/vitest run "$@" --reporter=default --reporter=json --outputFile.json="test-results/vitest-$name.json" \
    >"test-results/vitest-$name.log" 2>&1
}
vitest_half pglite --project db-pglite &
pglite_pid=$!
vitest_half node-postgres --project node --project db-postgres &
postgres_pid=$!
finished $pglite_pid test-results/vitest-pglite.log || status=1
finished $postgres_pid test-results/vitest-node-postgres.log || status=1

step "Browser tests (Playwright, Chromium)"
node_modules/.bin/playwright test || status=1

CHECKS_PASSED=$checks_passed CHECKS_FAILED=$failed_checks node - <<'JS'
const fs = require("node:fs");
const read = (f) => { try { return JSON.parse(fs.readFileSync(f, "utf8")); } catch { return null; } };
// The two vitest processes' reports, summed; a missing report counts as a failure. A file that
// failed without a failing test of its own (its set-up or teardown failed) counts as one failure.
const halfNames = ["pglite", "node-postgres"];
const halves = halfNames.map((name) => read(`test-results/vitest-${name}.json`));
const v = halves.every(Boolean)
  ? halves.reduce(
      (sum, h) => ({
        numPassedTests: sum.numPassedTests + h.numPassedTests,
        failed:
          sum.failed +
          h.numFailedTests +
          h.testResults.filter((f) => f.status === "failed" && !f.assertionResults.some((t) => t.status === "failed")).length,
      }),
      { numPassedTests: 0, failed: 0 },
    )
  : null;
const e = read("test-results/e2e.json");
// The failures' names and first lines, repeated here because CI logs keep only their tail.
const firstLines = (text, n = 6) => String(text ?? "").replace(/\x1b\[[0-9;]*m/g, "").split("\n").slice(0, n).join("\n    ");
const failures = [];
for (const [i, h] of halves.entries()) {
  for (const f of h?.testResults ?? []) {
    const file = `(${halfNames[i]}) ${f.name.slice(process.cwd().length + 1)}`;
    const failedTests = f.assertionResults.filter((t) => t.status === "failed");
    // Vitest's report keeps no message for a timeout; the duration shows it.
    for (const t of failedTests)
      failures.push(`vitest ${file} > ${t.fullName} (${Math.round(t.duration ?? 0)} ms)\n    ${firstLines(t.failureMessages?.join("\n"))}`);
    if (f.status === "failed" && failedTests.length === 0) failures.push(`vitest ${file} (set-up)\n    ${firstLines(f.message)}`);
  }
}
const walk = (suite) => {
  for (const spec of suite.specs ?? []) {
    for (const t of spec.tests) {
      if (t.status === "expected" || t.status === "skipped") continue;
      const error = t.results.map((r) => r.error?.message).find(Boolean);
      failures.push(`playwright [${t.projectName}] ${spec.file} > ${spec.title} (${t.status})\n    ${firstLines(error)}`);
    }
  }
  (suite.suites ?? []).forEach(walk);
};
(e?.suites ?? []).forEach(walk);
if (failures.length) console.log(`\nfailed:\n${failures.map((f) => `  ${f}`).join("\n")}`);
const checksPassed = Number(process.env.CHECKS_PASSED);
const checksFailed = process.env.CHECKS_FAILED ? process.env.CHECKS_FAILED.split(", ") : [];
const passed = checksPassed + (v?.numPassedTests ?? 0) + (e?.stats?.expected ?? 0);
const vitestFailed = v ? v.failed : 1;
// Store-wide specs are skipped when a journey failed (playwright.config.ts); what did not run did not pass.
const failed = checksFailed.length + vitestFailed + (e ? e.stats.unexpected + e.stats.flaky + e.stats.skipped : 1);
console.log(`\nchecks: ${checksPassed} passed, ${checksFailed.length} failed${checksFailed.length ? ` (${checksFailed.join(", ")})` : ""}`);
console.log(`vitest: ${v?.numPassedTests ?? 0} passed, ${v ? vitestFailed : "no report"} failed; playwright: ${e?.stats?.expected ?? 0} passed, ${e ? e.stats.unexpected : "no report"} failed${e?.stats?.skipped ? `, ${e.stats.skipped} not run` : ""}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
JS
[ $? -eq 0 ] || status=1
exit $status
