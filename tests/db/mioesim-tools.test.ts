/**
 * The admin's batch ICCID status query: a run is recorded, audited and
 * queued; its job reads MIOeSIM 100 ICCIDs per call (the documents' limit,
 * which the strict simulator enforces), stores each card's answer with the
 * progress, reports cards MIOeSIM does not know as not found, resumes after
 * what an earlier attempt stored, and the results export as CSV.
 */
import { describe, expect, it } from "vitest";
import { iccidQueryCsv, iccidQueryRun, requestIccidQuery, runIccidQuery } from "@/lib/admin/mioesim-tools";
import { db } from "@/lib/db/client";
import { IccidQueryStatus, Role } from "@/lib/generated/prisma/client";
import { CATALOG, MIOESIM_DEMO_ACCOUNT } from "@/simulators/mioesim";
import { createCustomer, providersPerFile, requestsTo } from "../support/providers";

const world = providersPerFile({}, "strict", { mioesim: { usageMbPerMinute: 0 } });
const QUERY_PATH = "/api_esim/queryIccidInformation";

/** Cards bought straight from the simulator, as another sales channel of the same account would. */
function buyCards(count: number, phone: string = MIOESIM_DEMO_ACCOUNT.phone): string[] {
  const sku = CATALOG.find((s) => s.skuId === 26)!;
  const account = world.mioesim.state.account(phone)!;
  const iccids: string[] = [];
  for (let left = count; left > 0; left -= 100) {
    const order = world.mioesim.state.placeOrder(account, {
      skuId: sku.skuId,
      priceId: sku.packages[0]!.priceId,
      count: Math.min(100, left),
      withCards: true,
    });
    iccids.push(...order.cardApiDtoList!.map((card) => card.iccid));
  }
  return iccids;
}

describe("the batch ICCID status query", () => {
  it("reads 250 cards in three calls of at most 100, in the order given, with unknown cards marked not found", async () => {
    const admin = await createCustomer("iccid-admin", Role.ADMIN);
    const ours = buyCards(248);
    world.mioesim.state.activateCard(ours[0]!);
    world.mioesim.state.setUsage(ours[0]!, 300);
    world.mioesim.state.addAccount({ phone: "13900000001", password: "other-password", secret: "other-secret" });
    const [someoneElses] = buyCards(1, "13900000001");
    const unknown = "8985200000000000000";
    const iccids = [...ours, someoneElses!, unknown];

    const run = await requestIccidQuery(iccids, admin.id, { ip: "203.0.113.9", userAgent: "test" });
    expect(run).toMatchObject({ status: IccidQueryStatus.QUEUED, total: 250, done: 0 });
    expect(await db().auditLog.findFirst({ where: { entityId: run.id } })).toMatchObject({
      actorId: admin.id,
      action: "mioesim.iccid-query",
      details: { cards: 250 },
      ip: "203.0.113.9",
    });

    const callsBefore = requestsTo(world.mioesim, QUERY_PATH);
    await runIccidQuery(run.id);
    expect(requestsTo(world.mioesim, QUERY_PATH) - callsBefore).toBe(3);

    const { run: finished, results } = (await iccidQueryRun(run.id))!;
    expect(finished).toMatchObject({ status: IccidQueryStatus.SUCCEEDED, done: 250, found: 248, active: false });
    expect(results.map((r) => r.iccid)).toEqual(iccids);
    expect(results[0]).toMatchObject({ found: true, dpStatus: "ACTIVE", usedMb: 300, remainingMb: 1024 - 300 });
    expect(results[1]).toMatchObject({ found: true, dpStatus: null, usedMb: 0 });
    expect(results.slice(-2).map((r) => [r.iccid, r.found])).toEqual([
      [someoneElses, false],
      [unknown, false],
    ]);

    const csv = await new Response(iccidQueryCsv(run.id)).text();
    const lines = csv.trim().split("\n");
    expect(lines[0]).toBe("iccid,found,dpStatus,orderNum,usedMb,remainingMb,totalMb,startDate,endDate,eid,mobileNumber");
    expect(lines).toHaveLength(251);
    expect(lines[1]).toMatch(new RegExp(`^${ours[0]},yes,ACTIVE,EP\\d+,300,724,`));
    expect(lines[250]).toBe(`${unknown},no,,,,,,,,,`);
  });

  it("resumes after the cards an earlier attempt stored, and a failed last attempt is recorded", async () => {
    const admin = await createCustomer("iccid-admin-2", Role.ADMIN);
    const iccids = buyCards(150);
    const run = await requestIccidQuery(iccids, admin.id, null);
    // An earlier attempt stored the first call's 100 answers, then its worker died.
    await db().iccidQueryResult.createMany({
      data: iccids.slice(0, 100).map((iccid, position) => ({ runId: run.id, iccid, position, found: true })),
    });
    await db().iccidQueryRun.update({ where: { id: run.id }, data: { status: IccidQueryStatus.RUNNING, done: 100, found: 100 } });

    const callsBefore = requestsTo(world.mioesim, QUERY_PATH);
    await runIccidQuery(run.id);
    expect(requestsTo(world.mioesim, QUERY_PATH) - callsBefore).toBe(1);
    expect((await iccidQueryRun(run.id))!.run).toMatchObject({ status: IccidQueryStatus.SUCCEEDED, done: 150, found: 150 });

    const failing = await requestIccidQuery(iccids.slice(0, 5), admin.id, null);
    world.mioesim.sim.faults.forced.badSign = 10;
    await expect(runIccidQuery(failing.id, false)).rejects.toThrow();
    expect((await iccidQueryRun(failing.id))!.run).toMatchObject({
      status: IccidQueryStatus.QUEUED,
      error: expect.stringMatching(/trying again/),
    });
    world.mioesim.sim.faults.forced.badSign = 10;
    await expect(runIccidQuery(failing.id, true)).rejects.toThrow();
    expect((await iccidQueryRun(failing.id))!.run).toMatchObject({ status: IccidQueryStatus.FAILED, done: 0 });
  });
});
