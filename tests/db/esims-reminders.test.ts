/**
 * Usage reminders (lib/esims/reminders.ts) against both simulators, driven
 * through their control endpoints: data use set per card, and simulator
 * time moved on (the store's clock moved with it). Each reminder goes out
 * once per eSIM however often, and however concurrently, the job runs, and
 * MIOeSIM is read 100 ICCIDs per call.
 */
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { EsimReminderKind, OrderStatus } from "@/lib/generated/prisma/client";
import { sendUsageReminders, USAGE_BATCH_SIZE } from "@/lib/esims/reminders";
import { catalogPlan, createCustomer, deliveredOrder, paidOrder, providersPerFile, type CatalogPlanSpec } from "../support/providers";

// No time-based usage at MIOeSIM: moving its clock by days must not use the data up by itself.
const world = providersPerFile({ PROVIDER_TIMEOUT_MS: "5000", USAGE_REMINDER_SCHEDULE: "off" }, "friendly", {
  mioesim: { usageMbPerMinute: 0 },
});

// MIOeSIM Japan 1 GB / 7 days (renewable); MeiSIM Japan 1 GB / 7 days.
const MIOESIM_JAPAN_1GB: CatalogPlanSpec = { provider: "mioesim", planRef: "26:261", renewable: true };
const MEISIM_JAPAN_1GB: CatalogPlanSpec = { provider: "meisim", planRef: "esim_1gb_7days_jp" };
const DAY_MS = 86_400_000;

/** How far the simulators' clocks (and so the store's, for the job) have been moved in this file. */
let movedMs = 0;
const storeNow = () => new Date(Date.now() + movedMs);

async function control(simulatorUrl: string, path: string, body: object): Promise<void> {
  const res = await fetch(new URL(path, simulatorUrl), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
}

async function moveClocks(ms: number): Promise<void> {
  await control(world.mioesim.url, "/__sim/advance", { ms });
  await control(world.meisim.url, "/__sim/advance", { ms });
  movedMs += ms;
}

const remindersOf = async (iccid: string) =>
  (await db().esimReminder.findMany({ where: { iccid }, select: { kind: true } })).map((r) => r.kind).sort();

const reminderEmailsTo = (to: string) =>
  db().emailMessage.findMany({ where: { to, kind: { startsWith: "esim.reminder." } }, orderBy: { createdAt: "asc" } });

const emailJobs = (emailIds: string[]) =>
  db().$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'email.send' AND singleton_key = ANY(${emailIds})`;

/**
 * MeiSIM is read once per eSIM, at its documented 60 reads a minute, and the
 * database is shared with every other test file: their live MeiSIM eSIMs
 * would make each run here take a second apiece. They are marked as having
 * had both reminders, so the runs read `iccid` alone.
 */
async function remindAlreadyEveryOtherMeisimEsim(iccid: string): Promise<void> {
  const kinds = Object.values(EsimReminderKind);
  await db().$executeRaw`
    INSERT INTO "EsimReminder" (id, iccid, kind, "planOrderId", "emailId")
    SELECT gen_random_uuid()::text, e.iccid, k.kind::"EsimReminderKind", e."orderId", 'not-sent:other-test-file'
    FROM "Esim" e JOIN "Order" o ON o."otherOrderId" = e."orderId" CROSS JOIN unnest(${kinds}::text[]) AS k(kind)
    WHERE o.provider = 'meisim' AND e.iccid <> ${iccid}
    ON CONFLICT DO NOTHING`;
}

describe("usage reminders", () => {
  it("emails MIOeSIM customers once at 80% of data and once 3 days before expiry, however often and concurrently the job runs", async () => {
    const user = await createCustomer("reminded");
    const plan = await catalogPlan(MIOESIM_JAPAN_1GB);
    const { iccid: heavy } = await deliveredOrder(user.id, plan.id);
    const { iccid: light } = await deliveredOrder(user.id, plan.id);

    // 68% used, and a card not yet installed: nothing is due.
    await control(world.mioesim.url, `/__sim/cards/${heavy}/usage`, { usedMb: 700 });
    await sendUsageReminders("mioesim", storeNow());
    expect(await remindersOf(heavy)).toEqual([]);
    expect(await remindersOf(light)).toEqual([]);

    // 81% used: two runs at once, then a third, send one data reminder.
    await control(world.mioesim.url, `/__sim/cards/${heavy}/usage`, { usedMb: 830 });
    await Promise.all([sendUsageReminders("mioesim", storeNow()), sendUsageReminders("mioesim", storeNow())]);
    await sendUsageReminders("mioesim", storeNow());
    expect(await remindersOf(heavy)).toEqual([EsimReminderKind.DATA_80_PERCENT]);
    expect(await remindersOf(light)).toEqual([]);

    // The second card starts now; 4.5 days on, both 7-day plans end within 3 days.
    await control(world.mioesim.url, `/__sim/cards/${light}/usage`, { usedMb: 100 });
    await moveClocks(4.5 * DAY_MS);
    await Promise.all([sendUsageReminders("mioesim", storeNow()), sendUsageReminders("mioesim", storeNow())]);
    await sendUsageReminders("mioesim", storeNow());
    expect(await remindersOf(heavy)).toEqual([EsimReminderKind.DATA_80_PERCENT, EsimReminderKind.EXPIRES_IN_3_DAYS]);
    expect(await remindersOf(light)).toEqual([EsimReminderKind.EXPIRES_IN_3_DAYS]);

    // Three emails, each with one email.send job, with HTML and a plain-text part linking the eSIM and its renewal.
    const emails = await reminderEmailsTo(user.email);
    expect(emails.map((e) => [e.kind, e.subject])).toEqual([
      ["esim.reminder.data", `You have used most of your data: ${plan.name}`],
      ["esim.reminder.expiry", `Your eSIM plan ends soon: ${plan.name}`],
      ["esim.reminder.expiry", `Your eSIM plan ends soon: ${plan.name}`],
    ]);
    expect((await emailJobs(emails.map((e) => e.id)))[0]!.n).toBe(3);
    const dataEmail = emails[0]!;
    expect(dataEmail.text).toContain("You have used 81% of your data: 830 MB of 1 GB.");
    expect(dataEmail.text).toContain(`/esims/${heavy}`);
    expect(dataEmail.html).toContain(`/esims/${heavy}/renew`);
    expect(dataEmail.html).toMatch(/^<!DOCTYPE html/i);
  });

  it("reminds MeiSIM customers the same way, read per eSIM as MeiSIM documents", async () => {
    const user = await createCustomer("reminded-meisim");
    const plan = await catalogPlan(MEISIM_JAPAN_1GB);
    const { iccid } = await deliveredOrder(user.id, plan.id);
    await remindAlreadyEveryOtherMeisimEsim(iccid);

    await control(world.meisim.url, `/__sim/esims/${iccid}/usage`, { state: "ACTIVE", usedMb: 900 });
    await Promise.all([sendUsageReminders("meisim", storeNow()), sendUsageReminders("meisim", storeNow())]);
    expect(await remindersOf(iccid)).toEqual([EsimReminderKind.DATA_80_PERCENT]);

    await moveClocks(5 * DAY_MS);
    await sendUsageReminders("meisim", storeNow());
    await sendUsageReminders("meisim", storeNow());
    expect(await remindersOf(iccid)).toEqual([EsimReminderKind.DATA_80_PERCENT, EsimReminderKind.EXPIRES_IN_3_DAYS]);
    expect((await reminderEmailsTo(user.email)).map((e) => e.kind)).toEqual(["esim.reminder.data", "esim.reminder.expiry"]);
    // Not renewable at MeiSIM: the email offers no renewal link.
    expect((await reminderEmailsTo(user.email))[0]!.html).not.toContain("/renew");
  });

  it("reads MIOeSIM usage 100 ICCIDs per call", async () => {
    // 230 more live cards (MIOeSIM does not know them, so nothing is sent for them), on top of what the database holds.
    const user = await createCustomer("many-cards");
    const plan = await catalogPlan(MIOESIM_JAPAN_1GB);
    const { otherOrderId } = await paidOrder(user.id, plan.id);
    await db().order.update({ where: { otherOrderId }, data: { status: OrderStatus.FULFILLED, fulfilledAt: new Date() } });
    const block = String(Date.now()).slice(-8);
    await db().esim.createMany({
      data: Array.from({ length: 230 }, (_, n) => {
        const iccid = `8986${block}${String(n).padStart(7, "0")}`;
        return { iccid, orderId: otherOrderId, lpa: `LPA:1$smdp.test$${iccid}`, smdpAddress: "smdp.test", activationCode: iccid };
      }),
    });
    const { state } = world.mioesim;
    const sizes: number[] = [];
    const query = state.queryIccids.bind(state);
    state.queryIccids = (account, iccids) => {
      sizes.push(iccids.length);
      return query(account, iccids);
    };
    const run = await sendUsageReminders("mioesim", storeNow());

    state.queryIccids = query;
    expect(run.unavailable).toBe(false);
    expect(run.checked).toBeGreaterThanOrEqual(230);
    // Counted where MIOeSIM answers them (a call refused for a token the moved clock expired is not a query).
    expect(sizes).toHaveLength(Math.ceil(run.checked / USAGE_BATCH_SIZE));
    expect(run.batches).toBe(sizes.length);
    expect(sizes.slice(0, -1).every((size) => size === USAGE_BATCH_SIZE)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(run.checked);
  });
});
