/**
 * The embedded default database: PGlite (PostgreSQL compiled to WebAssembly)
 * in a local data folder, served over the PostgreSQL wire protocol. PGlite is
 * single-process, so the app, the Prisma CLI and tests all connect through
 * this one socket server instead of opening the folder themselves.
 */
import "server-only";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/** A port nothing listens on right now, for throw-away databases (tests, benchmarks). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** PostgreSQL frontend message types (protocol v3). */
const SYNC = 0x53;
const QUERY = 0x51;
const TERMINATE = 0x58;
/** Parse, Bind, Describe, Execute, Close, Flush: an extended-protocol batch runs until the next Sync. */
const EXTENDED_QUERY = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48]);

/**
 * PGlite is one backend session, and its socket server queues every
 * connection's messages into it, keeping one connection's messages together
 * only while a transaction is open. A query's Parse…Sync batch is not a
 * transaction, so when it arrives in more than one socket read (large
 * parameters), another connection's Parse can land in the middle and replace
 * the shared unnamed statement: errors like "bind message supplies 3
 * parameters, but prepared statement "" requires 1", or another query's rows
 * (electric-sql/pglite#1046). The wrapper reports an open batch as "in a
 * transaction" until its Sync, so the server keeps the batch together. If a
 * client vanishes mid-batch, the server's clean-up `exec` first sends the
 * Sync the client never did, so the backend leaves its skip-until-Sync state.
 */
export function keepBatchesTogether(pglite: PGlite): PGlite {
  let batchOpen = false;
  return new Proxy(pglite, {
    get(target, prop) {
      if (prop === "isInTransaction") return () => batchOpen || target.isInTransaction();
      if (prop === "execProtocolRawStream") {
        return async (message: Uint8Array, options: Parameters<PGlite["execProtocolRawStream"]>[1]) => {
          const type = message[0];
          if (type !== undefined && EXTENDED_QUERY.has(type)) batchOpen = true;
          try {
            return await target.execProtocolRawStream(message, options);
          } finally {
            if (type === SYNC || type === QUERY || type === TERMINATE) batchOpen = false;
          }
        };
      }
      if (prop === "exec") {
        return async (...args: Parameters<PGlite["exec"]>) => {
          if (batchOpen) {
            await target.execProtocolRaw(new Uint8Array([SYNC, 0, 0, 0, 4]));
            batchOpen = false;
          }
          return target.exec(...args);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

export async function startEmbeddedPostgres(options: { dataDir: string | null; port: number; host?: string }): Promise<EmbeddedPostgres> {
  const host = options.host ?? "127.0.0.1";
  let location = "memory://";
  if (options.dataDir) {
    fs.mkdirSync(options.dataDir, { recursive: true });
    location = path.resolve(options.dataDir);
  }
  const pglite = await PGlite.create(location);
  const server = new PGLiteSocketServer({ db: keepBatchesTogether(pglite), port: options.port, host, maxConnections: 20 });
  await server.start();
  const address = server.getServerConn();
  return {
    url: `postgresql://postgres:postgres@${address}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await pglite.close();
    },
  };
}
