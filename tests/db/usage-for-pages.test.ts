/**
 * A page never waits long on a provider's pacing for live usage: when MeiSIM
 * has used up its documented 60 reads a minute for our dealer (here another
 * client of the same account spent them) and answers 429 with a long
 * Retry-After, the page shows "unavailable" after PAGE_USAGE_WAIT_MS, while a
 * job's read (usageFor) sits the wait out.
 */
import { describe, expect, it } from "vitest";
import { ANONYMOUS_PROVIDER_LIMITS } from "@/lib/auth/rate-limit";
import { PAGE_USAGE_WAIT_MS, usageFor, usageForPage } from "@/lib/orders/after-sale";
import { MEISIM_DEMO_ACCOUNT } from "@/simulators/meisim";
import { catalogPlan, createCustomer, deliveredOrder, providersPerFile } from "../support/providers";

const world = providersPerFile({ PROVIDER_TIMEOUT_MS: "5000" });

describe("live usage on a guest link's page", () => {
  it("has a small budget per client and a ceiling per provider of its own, and never holds up the owner's read", async () => {
    const user = await createCustomer("usage-guest");
    const { iccid } = await deliveredOrder(user.id, (await catalogPlan({ provider: "meisim", planRef: "esim_1gb_7days_jp" })).id);
    const { perClient, perProvider } = ANONYMOUS_PROVIDER_LIMITS.usage;
    const asGuest = (address: string) => usageForPage("meisim", [iccid], { address });
    const requests = () => world.meisim.sim.requestLog.length;
    const before = requests();

    // One client reloading the link: its budget, then a message and no call to MeiSIM.
    const reloader = "2001:db8:5e:1::1";
    for (let i = 0; i < perClient; i++) expect(await asGuest(reloader)).toMatchObject({ ok: true });
    expect(await asGuest("2001:db8:5e:1::2")).toEqual({ ok: false, message: expect.stringMatching(/too often/) });
    const afterReloader = requests();
    expect(afterReloader - before).toBeGreaterThanOrEqual(perClient);

    // Many clients at once: past the provider's ceiling for anonymous reads, none is sent.
    for (let i = 0; i < perProvider - perClient; i++) expect(await asGuest(`203.0.113.${100 + i}`)).toMatchObject({ ok: true });
    const atCeiling = requests();
    expect(await asGuest("203.0.113.250")).toEqual({ ok: false, message: expect.stringMatching(/too often/) });
    expect(requests()).toBe(atCeiling);

    // The owner's page (and any job) reads as before: anonymous reads took nothing of theirs.
    expect(await usageForPage("meisim", [iccid])).toMatchObject({ ok: true });
    expect(await usageFor("meisim", [iccid])).toMatchObject({ ok: true });
  });
});

describe("live usage for a page", () => {
  it("gives up after the page's wait when MeiSIM asks us to wait longer, where a job's read keeps waiting", async () => {
    const user = await createCustomer("usage-page");
    const { iccid } = await deliveredOrder(user.id, (await catalogPlan({ provider: "meisim", planRef: "esim_1gb_7days_jp" })).id);
    // Another client of the same MeiSIM account spends the minute's reads.
    let status = 0;
    for (let sent = 0; sent <= 60 && status !== 429; sent++) {
      const res = await fetch(new URL("/api/v1/orders", world.meisim.url), { headers: { "x-dealer-key": MEISIM_DEMO_ACCOUNT.dealerKey } });
      await res.body?.cancel();
      status = res.status;
    }
    expect(status).toBe(429);

    const started = performance.now();
    const forJob = usageFor("meisim", [iccid]);
    expect(await usageForPage("meisim", [iccid])).toEqual({ ok: false, message: expect.stringMatching(/unavailable right now/) });
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(PAGE_USAGE_WAIT_MS - 50);
    expect(waited).toBeLessThan(PAGE_USAGE_WAIT_MS + 2_000);

    // The job's read is still waiting out MeiSIM's Retry-After.
    const stillWaiting = await Promise.race([forJob.then(() => false), new Promise((resolve) => setTimeout(() => resolve(true), 100))]);
    expect(stillWaiting).toBe(true);
  });
});
