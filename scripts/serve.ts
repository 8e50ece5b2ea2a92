/**
 * The storefront's HTTP server: Next.js behind a thin layer that appends the
 * connecting peer's address to X-Forwarded-For, as a reverse proxy does.
 * `next start` fills that header in only when the client sent none, so the
 * client could name any address; with the peer always last,
 * clientAddress() in lib/audit counts TRUSTED_PROXY_HOPS from the right and
 * never mistakes what the client wrote for where it came from.
 *
 *   tsx scripts/serve.ts [--dev]     (scripts/start.ts runs it; PORT as configured)
 */
import http from "node:http";

const dev = process.argv.includes("--dev");
// As `next start` and `next dev` set it, before Next.js loads.
(process.env as Record<string, string>).NODE_ENV ??= dev ? "development" : "production";
const { default: next } = await import("next");

const port = Number(process.env.PORT || 3000);
const server = http.createServer();
const app = next({ dev, port, httpServer: server });
await app.prepare();
const handle = app.getRequestHandler();

server.on("request", (req, res) => {
  const peer = req.socket.remoteAddress;
  req.headers["x-forwarded-for"] = [req.headers["x-forwarded-for"], peer].filter(Boolean).join(", ");
  void handle(req, res);
});
// The launcher waits for the port and logs when the storefront is ready.
server.listen(port);
