/**
 * The embedded database's socket server keeps each connection's
 * extended-protocol batch together: several connections sending large
 * parameterised queries at once each get their own, correct answer.
 */
import { createHash } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort, startEmbeddedPostgres, type EmbeddedPostgres } from "@/lib/db/embedded";

let embedded: EmbeddedPostgres;
beforeAll(async () => {
  embedded = await startEmbeddedPostgres({ dataDir: null, port: await findFreePort() });
});
afterAll(() => embedded?.stop());

describe("the embedded database under concurrent connections", () => {
  it("answers 4 connections × 25 queries with 200 kB parameters without mixing their messages", async () => {
    const clients = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const client = new pg.Client({ connectionString: embedded.url });
        await client.connect();
        return client;
      }),
    );
    const problems: string[] = [];
    try {
      await Promise.all(
        clients.map(async (client, who) => {
          for (let round = 0; round < 25; round++) {
            // Each connection sends a different number of parameters, so a mixed-up Bind cannot pass unnoticed.
            const params = Array.from({ length: who + 1 }, (_, k) => `${who}:${round}:${k}:` + "x".repeat(200_000));
            const sql = `SELECT md5(${params.map((_, k) => `$${k + 1}::text`).join(" || ',' || ")}) AS digest, ${who} AS who`;
            try {
              const { rows } = await client.query(sql, params);
              const expected = createHash("md5").update(params.join(",")).digest("hex");
              if (rows[0]?.digest !== expected || rows[0]?.who !== who)
                problems.push(`connection ${who} round ${round}: another query's answer`);
            } catch (err) {
              problems.push(`connection ${who} round ${round}: ${(err as Error).message}`);
            }
          }
        }),
      );
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
