/**
 * The embedded default database: PGlite (PostgreSQL compiled to WebAssembly)
 * in a local data folder, served over the PostgreSQL wire protocol. PGlite is
 * single-process, so the app, the Prisma CLI and tests all connect through
 * this one socket server instead of opening the folder themselves.
 */
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

export async function startEmbeddedPostgres(options: { dataDir: string | null; port: number; host?: string }): Promise<EmbeddedPostgres> {
  const host = options.host ?? "127.0.0.1";
  let location = "memory://";
  if (options.dataDir) {
    fs.mkdirSync(options.dataDir, { recursive: true });
    location = path.resolve(options.dataDir);
  }
  const pglite = await PGlite.create(location);
  const server = new PGLiteSocketServer({ db: pglite, port: options.port, host, maxConnections: 20 });
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
