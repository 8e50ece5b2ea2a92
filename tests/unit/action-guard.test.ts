/**
 * Server action requests that cannot be decoded, from the attacker's side
 * (scripts/action-guard.ts): refused with a reason (answered 400 by the
 * launcher's server) instead of reaching React's decoder, which throws and
 * makes Next.js answer 500. What browsers send passes.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { readBody, replayed, undecodableAction } from "../../scripts/action-guard";

const known = new Set(["7f3a9c"]);
const multipart = (boundary: string, body: string) => ({ type: `multipart/form-data; boundary=${boundary}`, body: Buffer.from(body) });

describe("undecodable server action requests", () => {
  it("passes what React's client sends: a JSON list of arguments, or multipart form data", async () => {
    expect(await undecodableAction("7f3a9c", "text/plain;charset=UTF-8", Buffer.from('[{"a":1},"$K1"]'), known)).toBeNull();
    const form = multipart(
      "b1",
      '--b1\r\nContent-Disposition: form-data; name="1_otherOrderId"\r\n\r\nRS1\r\n--b1\r\nContent-Disposition: form-data; name="0"\r\n\r\n["$K1"]\r\n--b1--\r\n',
    );
    expect(await undecodableAction("7f3a9c", form.type, form.body, known)).toBeNull();
    expect(await undecodableAction("7f3a9c", "application/x-www-form-urlencoded", Buffer.from("a=%zz"), known)).toBeNull();
    // Without the build's list, ids are left to Next.js.
    expect(await undecodableAction("anything", "text/plain", Buffer.from("[]"), null)).toBeNull();
  });

  it("refuses an unknown action id, broken JSON, a non-list reply and garbage multipart", async () => {
    expect(await undecodableAction("deadbeef", "text/plain", Buffer.from("[]"), known)).toBe("unknown server action");
    for (const body of ['[{"a":', "\u0000\u00ff", "", "not json"])
      expect(await undecodableAction("7f3a9c", "text/plain;charset=UTF-8", Buffer.from(body), known), body).toBe(
        "malformed action arguments",
      );
    expect(await undecodableAction("7f3a9c", "application/json", Buffer.from('{"0":1}'), known)).toBe(
      "the action's arguments are not a list",
    );
    const garbage = multipart("b1", "--b1\r\nno headers here\r\n\r\n\u0000\u0001");
    expect(await undecodableAction("7f3a9c", garbage.type, garbage.body, known)).toBe("malformed multipart body");
    expect(await undecodableAction("7f3a9c", "multipart/form-data", Buffer.from("--x\r\n"), known)).toBe("malformed multipart body");
  });

  it("reads a body up to the limit, and hands a replay of it on whole", async () => {
    const seen: (string | null)[] = [];
    const server = http.createServer(async (req, res) => {
      const body = await readBody(req, 16);
      if (body === null) {
        seen.push(null);
        res.writeHead(413, { connection: "close" }).end();
        return;
      }
      const copy = replayed(req, body);
      const chunks: Buffer[] = [];
      for await (const chunk of copy) chunks.push(chunk as Buffer);
      seen.push(`${copy.method} ${copy.url} ${copy.headers["x-test"]} ${Buffer.concat(chunks).toString()}`);
      res.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect((await fetch(`${base}/p?q=1`, { method: "POST", body: "[1,2]", headers: { "x-test": "t" } })).status).toBe(200);
    expect((await fetch(`${base}/p`, { method: "POST", body: "x".repeat(64) }).catch(() => ({ status: 413 }))).status).toBe(413);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(seen).toEqual(["POST /p?q=1 t [1,2]", null]);
  });
});
