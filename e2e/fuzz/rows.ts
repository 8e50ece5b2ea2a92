/**
 * Which rows a request changed, read from the database the e2e server uses.
 *
 * A snapshot holds a digest of every row of the app's tables. Taking one
 * after every request would dominate the run time, so the watcher first asks
 * PostgreSQL whether any transaction took a transaction id (any write does)
 * since the last snapshot, and only then takes a new one.
 *
 * Work an accepted request sets going (a queued job, an email on its way)
 * can write after its answer; the next request must not be blamed for it, so
 * after a write the fuzzer waits for the database to go quiet (quiesce).
 *
 * Left out, on purpose: the migrations table, what a refused sign-in is
 * meant to write (rate-limit counters, the password back-off per email and
 * client, and `auth.*` audit entries; a wrong current password on the
 * account page is such a refusal too), and a
 * session's last-seen time, which any request reading the session moves
 * (at most once a minute, lib/auth/session-store.ts) to time idle admins out.
 */
import pg from "pg";

type Snapshot = Map<string, Set<string>>;

const EXCLUDED_TABLES = new Set(["_prisma_migrations", "RateLimitWindow", "SignInBackoff"]);
const ROW_FILTERS: Record<string, string> = { AuditLog: `WHERE "action" NOT LIKE 'auth.%'` };
/** What a row's digest covers, where not the whole row. */
const ROW_DIGESTS: Record<string, string> = {
  Session: `md5(row(x."sessionToken", x."userId", x.expires, x."createdAt", x."stepUpAt", x."secondFactorAt")::text)`,
};
/** Quiet means no write for this long, and no pg-boss job due or running. */
const QUIET_MS = 300;

export interface Change {
  /** Whether any transaction wrote (in any schema) since settle(). */
  wrote: boolean;
  /** Rows of the app's tables inserted, updated or deleted, by table: the larger of rows gone and rows new. */
  rows: Map<string, number>;
}

export class RowWatcher {
  private snapshot: Snapshot = new Map();
  private lastXid = "";

  private constructor(
    private readonly client: pg.Client,
    private readonly snapshotSql: string,
    private readonly jobsSql: string | null,
  ) {}

  static async connect(url: string): Promise<RowWatcher> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ schema: string; name: string }>(
      `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema IN ('public', 'pgboss') ORDER BY 1, 2`,
    );
    const snapshotSql = rows
      .filter((r) => r.schema === "public" && !EXCLUDED_TABLES.has(r.name))
      .map((r) => `SELECT '${r.name}' AS t, ${ROW_DIGESTS[r.name] ?? "md5(x::text)"} AS h FROM "${r.name}" x ${ROW_FILTERS[r.name] ?? ""}`)
      .join(" UNION ALL ");
    const jobsSql = rows.some((r) => r.schema === "pgboss" && r.name === "job")
      ? `SELECT count(*)::int AS n FROM pgboss.job WHERE state = 'active' OR (state IN ('created', 'retry') AND start_after <= now())`
      : null;
    const watcher = new RowWatcher(client, snapshotSql, jobsSql);
    await watcher.settle();
    return watcher;
  }

  /** The next transaction id PostgreSQL will hand out: it moves on every write. */
  private async nextXid(): Promise<string> {
    const { rows } = await this.client.query<{ xid: string }>("SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS xid");
    return rows[0]!.xid;
  }

  private async takeSnapshot(): Promise<Snapshot> {
    const { rows } = await this.client.query<{ t: string; h: string }>(this.snapshotSql);
    const snapshot: Snapshot = new Map();
    for (const { t, h } of rows) {
      if (!snapshot.has(t)) snapshot.set(t, new Set());
      snapshot.get(t)!.add(h);
    }
    return snapshot;
  }

  /** Takes in whatever was written since the last look, before the next request. */
  async settle(): Promise<void> {
    const xid = await this.nextXid();
    if (xid === this.lastXid) return;
    this.snapshot = await this.takeSnapshot();
    this.lastXid = xid;
  }

  /** What was written since settle(). */
  async changes(): Promise<Change> {
    const rows = new Map<string, number>();
    const xid = await this.nextXid();
    if (xid === this.lastXid) return { wrote: false, rows };
    const before = this.snapshot;
    const after = await this.takeSnapshot();
    this.snapshot = after;
    this.lastXid = xid;
    for (const table of new Set([...before.keys(), ...after.keys()])) {
      const old = before.get(table) ?? new Set<string>();
      const now = after.get(table) ?? new Set<string>();
      const count = Math.max([...old].filter((h) => !now.has(h)).length, [...now].filter((h) => !old.has(h)).length);
      if (count > 0) rows.set(table, count);
    }
    return { wrote: true, rows };
  }

  /** Waits (up to `timeoutMs`) until no job is due or running and nothing has been written for a moment, then settles. */
  async quiesce(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let xid = await this.nextXid(); Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
      const jobs = this.jobsSql ? (await this.client.query<{ n: number }>(this.jobsSql)).rows[0]!.n : 0;
      const now = await this.nextXid();
      if (jobs === 0 && now === xid) break;
      xid = now;
    }
    await this.settle();
  }

  /** A read for the test's own set-up (ids to fuzz with). */
  async query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.client.query<T>(sql, params)).rows;
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
