/**
 * A small HTTP kit shared by the local simulators of upstream services.
 * Simulators are test and demo infrastructure: production code never imports
 * anything under `simulators/`.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface SimRequest {
  method: string;
  path: string;
  /** Path parameters captured by `:name` segments. */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  /** JSON object, or the fields of a form-encoded body, or {} when empty. */
  body: Record<string, unknown>;
  ip: string;
}

export interface SimResponse {
  status?: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as-is. */
  body?: unknown;
  /** Processed, but the answer is never sent: the client times out (an answer lost after commit). */
  hang?: boolean;
  /** Processed at once, answered this much later (a slow answer). */
  delayMs?: number;
}

export type SimHandler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

/** Faults switchable at run time, through `POST /__sim/faults` or in-process. */
export interface Faults {
  /** Added before every answer. */
  latencyMs: number;
  /** The next N requests answer HTTP 500. */
  http500: number;
  /** The next N requests are processed but never answered (the client times out). */
  hangAfterProcessing: number;
  /** The next N requests hang without being processed. */
  hangBeforeProcessing: number;
  /** Simulator-specific forced outcomes, e.g. { tokenExpired: 1, rateLimited: 2 }. */
  forced: Record<string, number>;
}

export function noFaults(): Faults {
  return { latencyMs: 0, http500: 0, hangAfterProcessing: 0, hangBeforeProcessing: 0, forced: {} };
}

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: SimHandler;
}

export class SimServer {
  readonly faults: Faults = noFaults();
  /** Every request received, newest last; tests read it to count upstream calls. */
  readonly requestLog: { method: string; path: string; at: number }[] = [];
  private readonly routes: Route[] = [];
  private server: http.Server | null = null;
  private readonly hung = new Set<http.ServerResponse>();

  constructor(readonly name: string) {
    this.route("POST", "/__sim/faults", (req) => {
      Object.assign(this.faults, noFaults(), req.body);
      return { body: { ok: true, faults: this.faults } };
    });
    this.route("GET", "/__sim/faults", () => ({ body: this.faults }));
  }

  route(method: string, path: string, handler: SimHandler): this {
    const keys: string[] = [];
    const pattern = new RegExp(
      "^" +
        path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:(\w+)/g, (_m, key: string) => {
          keys.push(key);
          return "([^/]+)";
        }) +
        "/?$",
    );
    this.routes.push({ method, pattern, keys, handler });
    return this;
  }

  /** Consumes one unit of a forced fault, returning true when it applied. */
  takeForced(name: string): boolean {
    const left = this.faults.forced[name] ?? 0;
    if (left <= 0) return false;
    this.faults.forced[name] = left - 1;
    return true;
  }

  resetFaults(): void {
    Object.assign(this.faults, noFaults());
  }

  async listen(port = 0, host = "127.0.0.1"): Promise<string> {
    this.server = http.createServer((req, res) => void this.dispatch(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(port, host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    return `http://${host}:${address.port}`;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error(`${this.name} simulator is not listening`);
    return `http://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.hung.clear();
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async dispatch(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://sim.local");
    this.requestLog.push({ method: req.method ?? "GET", path: url.pathname, at: Date.now() });

    const isControl = url.pathname.startsWith("/__sim/");
    if (!isControl) {
      if (this.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, this.faults.latencyMs));
      if (this.faults.hangBeforeProcessing > 0) {
        this.faults.hangBeforeProcessing--;
        this.hung.add(res);
        return;
      }
      if (this.faults.http500 > 0) {
        this.faults.http500--;
        return send(res, { status: 500, body: { error: "Internal Server Error", message: "Injected fault" } });
      }
    }

    let body: Record<string, unknown> = {};
    const type = String(req.headers["content-type"] ?? "");
    try {
      if (rawBody && type.includes("json")) body = JSON.parse(rawBody);
      else if (rawBody) body = Object.fromEntries(new URLSearchParams(rawBody));
    } catch {
      return send(res, { status: 400, body: { error: "Invalid request", message: "Body is not valid JSON" } });
    }

    for (const route of this.routes) {
      if (route.method !== req.method) continue;
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      const params = Object.fromEntries(route.keys.map((k, i) => [k, decodeURIComponent(match[i + 1] ?? "")]));
      let out: SimResponse;
      try {
        out = await route.handler({
          method: req.method,
          path: url.pathname,
          params,
          query: url.searchParams,
          headers: req.headers,
          rawBody,
          body,
          ip: req.socket.remoteAddress ?? "127.0.0.1",
        });
      } catch (err) {
        out = { status: 500, body: { error: "Internal Server Error", message: String(err) } };
      }
      if (out.hang || (!isControl && this.faults.hangAfterProcessing > 0)) {
        if (!out.hang) this.faults.hangAfterProcessing--;
        this.hung.add(res);
        return;
      }
      if (out.delayMs) {
        this.hung.add(res);
        await new Promise((resolve) => setTimeout(resolve, out.delayMs));
        if (!this.hung.delete(res)) return;
      }
      return send(res, out);
    }
    send(res, { status: 404, body: { error: "Not found", message: `${req.method} ${url.pathname}` } });
  }
}

function send(res: http.ServerResponse, out: SimResponse) {
  if (Buffer.isBuffer(out.body)) {
    res.writeHead(out.status ?? 200, { "content-type": "application/octet-stream", ...out.headers });
    return res.end(out.body);
  }
  const isText = typeof out.body === "string";
  const payload = out.body === undefined ? "" : isText ? (out.body as string) : JSON.stringify(out.body);
  res.writeHead(out.status ?? 200, {
    "content-type": isText ? "text/plain; charset=utf-8" : "application/json",
    ...out.headers,
  });
  res.end(payload);
}

/** Reads `--port N` from argv for the stand-alone `npm run sim:*` entry points. */
export function portFromArgv(argv: string[], fallback: number): number {
  const i = argv.indexOf("--port");
  const value = i >= 0 ? Number(argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`--port must be 0..65535, got ${argv[i + 1]}`);
  return value;
}
