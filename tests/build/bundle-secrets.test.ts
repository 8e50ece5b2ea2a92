/** No server secret may reach the browser: scan the production build's static assets. */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEMO } from "@/lib/config/env";

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? filesUnder(path.join(dir, d.name)) : [path.join(dir, d.name)]));
}

describe("browser bundle", () => {
  it("contains none of the server secrets or secret setting names", () => {
    expect(fs.existsSync(".next/static"), "run `npm run build` first (npm test does)").toBe(true);
    const files = filesUnder(".next/static");
    expect(files.length).toBeGreaterThan(0);
    const needles = [
      DEMO.stripe.secretKey,
      DEMO.stripe.webhookSecret,
      DEMO.mioesim.secret,
      DEMO.mioesim.password,
      DEMO.meisim.dealerKey,
      DEMO.meisim.portalPassword,
      "STRIPE_SECRET_KEY",
      "AUTH_SECRET",
      "DATABASE_URL",
      "MIOESIM_SECRET",
    ];
    const leaks = files.flatMap((file) => {
      const text = fs.readFileSync(file, "utf8");
      return needles.filter((n) => text.includes(n)).map((n) => `${n} in ${file}`);
    });
    expect(leaks).toEqual([]);
  });
});
