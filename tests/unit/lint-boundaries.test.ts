/** The import boundaries in eslint.config.mjs, checked by linting scratch sources placed (in name only) inside each folder. */
import path from "node:path";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
let eslint: ESLint;

// Loading the config's plugins and resolvers takes seconds; pay for it once, outside the tests' timeouts.
beforeAll(async () => {
  eslint = new ESLint({ cwd: ROOT });
  await eslint.lintText("", { filePath: path.join(ROOT, "lib/scratch.ts") });
}, 120_000);

/** The rule ids and messages reported for `code` as if it were the file at `file`. */
async function lint(file: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result!.messages.map((m) => ({ rule: m.ruleId, message: m.message }));
}

const boundary = (message: RegExp) => ({ rule: "import/no-restricted-paths", message: expect.stringMatching(message) });

describe("import boundaries", () => {
  it("reports lib/ importing a route, with the alias or a relative path", async () => {
    expect(
      await lint("lib/orders/scratch.ts", 'import { POST } from "@/app/api/webhooks/stripe/route";\nexport const handler = POST;\n'),
    ).toEqual([boundary(/lib\/ is the domain/)]);
    expect(await lint("lib/orders/scratch.ts", 'export { POST } from "../../app/api/webhooks/stripe/route";\n')).toEqual([
      boundary(/lib\/ is the domain/),
    ]);
  });

  it("reports lib/ importing a component", async () => {
    expect(await lint("lib/scratch.ts", 'export { Button } from "@/components/ui";\n')).toEqual([boundary(/lib\/ is the domain/)]);
  });

  it("reports components/ importing from app/", async () => {
    expect(await lint("components/orders/scratch.tsx", 'export { cancelOrderAction } from "@/app/orders/actions";\n')).toEqual([
      boundary(/components\/ is UI/),
    ]);
  });

  it("reports app/ and lib/ loading a simulator, a script or a test, dynamic imports included", async () => {
    expect(await lint("app/scratch.ts", 'export { startMioesimSimulator } from "@/simulators/mioesim";\n')).toEqual([
      boundary(/drive the app from outside/),
    ]);
    expect(await lint("lib/jobs/scratch.ts", 'export const load = () => import("../../scripts/seed");\n')).toEqual([
      boundary(/drive the app from outside/),
    ]);
    expect(await lint("lib/scratch.ts", 'export * from "@/tests/support/providers";\n')).toEqual([boundary(/drive the app from outside/)]);
  });

  it("reports a simulator importing the client's code from lib/, with the alias or a relative path", async () => {
    expect(await lint("simulators/meisim/scratch.ts", 'export { parseCsv } from "@/lib/providers/meisim/csv";\n')).toEqual([
      boundary(/written from the provider documents/),
    ]);
    expect(await lint("simulators/scratch.ts", 'export { log } from "../lib/log";\n')).toEqual([
      boundary(/written from the provider documents/),
    ]);
  });

  it("lets each folder import what it depends on", async () => {
    const routeCode =
      'import { formatMoney } from "@/lib/money";\nimport { Button } from "@/components/ui";\nexport { formatMoney, Button };\n';
    expect(await lint("app/scratch.ts", routeCode)).toEqual([]);
    expect(await lint("components/scratch.ts", 'export { formatMoney } from "@/lib/money";\n')).toEqual([]);
    expect(await lint("lib/orders/scratch.ts", 'export { formatMoney } from "../money";\nexport { db } from "@/lib/db/client";\n')).toEqual(
      [],
    );
    expect(await lint("scripts/scratch.ts", 'export { POST } from "../app/api/webhooks/stripe/route";\n')).toEqual([]);
    expect(await lint("simulators/meisim/scratch.ts", 'export { SimServer } from "../shared/server";\n')).toEqual([]);
  });
});
