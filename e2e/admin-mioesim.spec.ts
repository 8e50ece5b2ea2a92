import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import { CATALOG } from "../simulators/mioesim/catalog";
import { MIOESIM_DEMO_ACCOUNT } from "../simulators/mioesim";
import { E2E, expect, signInWithPassword, test } from "./fixtures";

/** The MIOeSIM simulator the e2e server talks to (playwright.config.ts). */
const MIOESIM = "http://127.0.0.1:4110";

/** A signed call to the simulator, as the documents describe signing: sorted key=value pairs, then the secret, MD5. */
async function mioesim(path: string, params: Record<string, string | number>, encoding: "json" | "form"): Promise<any> {
  const fields = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
  const sign = createHash("md5")
    .update(
      Object.keys(fields)
        .sort()
        .map((k) => `${k}=${fields[k]}`)
        .join("") + MIOESIM_DEMO_ACCOUNT.secret,
    )
    .digest("hex");
  const body = { ...fields, sign };
  const res = await fetch(`${MIOESIM}${path}`, {
    method: "POST",
    headers: { "content-type": encoding === "json" ? "application/json" : "application/x-www-form-urlencoded" },
    body: encoding === "json" ? JSON.stringify(body) : new URLSearchParams(body).toString(),
  });
  const answer = await res.json();
  if (Number(answer.code) !== (path.endsWith("/login") ? 1 : 0)) throw new Error(`${path}: ${JSON.stringify(answer)}`);
  return answer.data;
}

/** Buys `count` eSIMs on the store's MIOeSIM account straight from the simulator (100 per order, its limit). */
async function buyCards(count: number): Promise<string[]> {
  const { token } = await mioesim(
    "/api_order/login",
    { phonenumber: MIOESIM_DEMO_ACCOUNT.phone, password: MIOESIM_DEMO_ACCOUNT.password },
    "json",
  );
  // A SKU the other journeys do not buy, so its stock (1,000 of the 1 GB package) is ours.
  const sku = CATALOG.find((s) => s.display === "Thailand")!;
  const iccids: string[] = [];
  for (let left = count; left > 0; left -= 100) {
    const order = await mioesim(
      "/api_esim/addEsimOrder",
      {
        token,
        skuId: sku.skuId,
        priceId: sku.packages[0]!.priceId,
        count: Math.min(100, left),
        backInfo: 1,
        otherOrderId: `E2E-ICCIDS-${Date.now()}-${left}`,
      },
      "form",
    );
    iccids.push(...order.cardApiDtoList.map((card: { iccid: string }) => card.iccid));
  }
  return iccids;
}

test("the admin runs a batch status query of 250 cards, follows its progress and downloads the CSV", async ({ page }) => {
  const iccids = await buyCards(250);
  expect(new Set(iccids).size).toBe(250);
  await signInWithPassword(page, E2E.adminEmail, E2E.adminPassword);
  await page.goto("/admin/providers/mioesim");
  await page.getByRole("link", { name: "Batch ICCID status" }).click();

  const form = page.getByRole("form", { name: "Batch ICCID status query" });
  // A bad entry is refused with its line, and the pasted list stays to be fixed.
  await form.getByLabel("ICCIDs").fill([...iccids, "8985-not-an-iccid"].join("\n"));
  await form.getByRole("button", { name: "Query card status" }).click();
  await expect(form.getByRole("alert")).toContainText('line 251: "8985-not-an-iccid"');
  await expect(form.getByLabel("ICCIDs")).toHaveValue(/8985-not-an-iccid$/);

  // Fixed, with one card pasted twice: it is queried once.
  await form.getByLabel("ICCIDs").fill([...iccids, iccids[0]].join("\n"));
  await form.getByRole("button", { name: "Query card status" }).click();
  await expect(page.getByRole("heading", { name: "Status of 250 cards" })).toBeVisible();
  await expect(page.getByText("1 repeated ICCIDs were dropped.")).toBeVisible();
  const progress = page.getByRole("progressbar", { name: /ICCID query progress/ });
  await expect(progress).toHaveAttribute("max", "250");
  // The page refreshes itself every second until the job is done.
  await expect(progress).toHaveAttribute("value", "250", { timeout: 30_000 });
  await expect(page.getByText("250 of 250 cards read")).toBeVisible();
  await expect(page.getByText("MIOeSIM reported 250 of 250 cards")).toBeVisible();
  const rows = page.getByRole("table", { name: "Results" }).locator("tbody tr");
  await expect(rows).toHaveCount(250);
  await expect(rows.first()).toContainText(iccids[0]!);

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^mioesim-iccids-.+\.csv$/);
  const lines = (await fs.readFile(await download.path(), "utf8")).trim().split("\n");
  expect(lines[0]).toBe("iccid,found,dpStatus,orderNum,usedMb,remainingMb,totalMb,startDate,endDate,eid,mobileNumber");
  expect(lines.slice(1).map((line) => line.split(",")[0])).toEqual(iccids);
  expect(lines.slice(1).every((line) => line.split(",")[1] === "yes")).toBe(true);

  // From a result to the card's history and renewal options.
  await rows.first().getByRole("link", { name: iccids[0]! }).click();
  await expect(page.getByRole("table", { name: "Plan history (getHistoryDetail)" })).toContainText("Thailand");
  await expect(page.getByRole("heading", { name: "Renewal options" })).toBeVisible();
});
