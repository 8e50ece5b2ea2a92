import { describe, expect, it } from "vitest";
import {
  MioesimDetailAccessError,
  MioesimIpNotWhitelistedError,
  MioesimNonPersonalOrderError,
  MioesimNotFoundError,
  MioesimOperationFailedError,
  MioesimQueryFailedError,
} from "@/lib/providers/mioesim";
import { JAPAN, startFixture, type Fixture } from "./fixtures";

const MINUTE = 60_000;
const QUERY = "/api_esim/queryIccidInformation";

async function orderCards(fixture: Fixture, count: number, priceId: number = JAPAN.oneGb): Promise<string[]> {
  const order = await fixture.client.addEsimOrder({ skuId: JAPAN.skuId, priceId, count, otherOrderId: `CARDS-${count}-${priceId}` });
  return order.cards.map((card) => card.iccid);
}

describe("MIOeSIM getESIMDetail", () => {
  it("reports usage that grows with time since activation", async () => {
    const fixture = await startFixture({ sim: { usageMbPerMinute: 5 } });
    const [iccid] = await orderCards(fixture, 1);
    expect(await fixture.client.getESIMDetail(iccid!)).toMatchObject({
      iccid,
      dpStatus: null,
      usedMb: 0,
      remainingMb: 1024,
      startDate: null,
    });
    fixture.state.activateCard(iccid!, Date.now() - 10 * MINUTE);
    const active = await fixture.client.getESIMDetail(iccid!);
    expect(active).toMatchObject({ dpStatus: "ACTIVE", usedMb: 50, remainingMb: 974 });
    expect(active.eid).toMatch(/^\d{32}$/);
    expect(active.startDate).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    fixture.state.addUsage(iccid!, 100);
    expect((await fixture.client.getESIMDetail(iccid!)).usedMb).toBe(150);
  });

  it("answers 400108 when the account's IP is not whitelisted and 400109 when it is not enabled", async () => {
    const fixture = await startFixture();
    const [iccid] = await orderCards(fixture, 1);
    fixture.state.setEsimDetailAccess("13800000000", "ip-not-whitelisted");
    const denied = await fixture.client.getESIMDetail(iccid!).catch((err: unknown) => err);
    expect(denied).toBeInstanceOf(MioesimIpNotWhitelistedError);
    expect(denied).toMatchObject({ code: 400108 });
    expect((denied as MioesimIpNotWhitelistedError).hint).toMatch(/whitelist/);
    fixture.state.setEsimDetailAccess("13800000000", "not-enabled");
    const unsupported = await fixture.client.getESIMDetail(iccid!).catch((err: unknown) => err);
    expect(unsupported).toBeInstanceOf(MioesimDetailAccessError);
    expect(unsupported).toMatchObject({ code: 400109 });
  });

  it("can be refused for an account from the start", async () => {
    const other = { phone: "13700000000", password: "p", secret: "s", esimDetailAccess: "not-enabled" as const };
    const fixture = await startFixture({ sim: { accounts: [other] } });
    const client = fixture.newClient(other);
    const order = await client.addEsimOrder({ skuId: 26, priceId: JAPAN.oneGb, count: 1, otherOrderId: "X" });
    await expect(client.getESIMDetail(order.cards[0]!.iccid)).rejects.toBeInstanceOf(MioesimDetailAccessError);
  });

  it("answers -3 for an unknown ICCID", async () => {
    const { client } = await startFixture();
    await expect(client.getESIMDetail("8985200999999999999")).rejects.toBeInstanceOf(MioesimOperationFailedError);
  });
});

describe.each(["strict", "alternative"] as const)("MioesimProvider.getUsage of one eSIM (the eSIM page), %s dialect", (dialect) => {
  const DETAIL = "/api_esim/getESIMDetail";

  it("reads the live status with getESIMDetail, and many eSIMs with the batch query", async () => {
    const fixture = await startFixture({ dialect, sim: { usageMbPerMinute: 0 } });
    const [iccid, other] = await orderCards(fixture, 2);
    fixture.state.activateCard(iccid!, Date.now() - 10 * MINUTE);
    fixture.state.addUsage(iccid!, 100);
    const [live] = await fixture.provider.getUsage([iccid!]);
    expect(live).toMatchObject({ iccid, state: "active", usedMb: 100, totalMb: 1024 });
    expect([fixture.calls(DETAIL), fixture.calls(QUERY)]).toEqual([1, 0]);
    expect(await fixture.provider.getUsage([iccid!, other!])).toMatchObject([{ usedMb: 100 }, { iccid: other, usedMb: 0 }]);
    expect([fixture.calls(DETAIL), fixture.calls(QUERY)]).toEqual([1, 1]);
  });

  it("falls back to the batch query where the account may not use getESIMDetail (400108), and stops asking it", async () => {
    const fixture = await startFixture({ dialect, sim: { usageMbPerMinute: 0 } });
    const [iccid] = await orderCards(fixture, 1);
    fixture.state.activateCard(iccid!, Date.now() - 10 * MINUTE);
    fixture.state.addUsage(iccid!, 30);
    fixture.state.setEsimDetailAccess("13800000000", "ip-not-whitelisted");
    expect(await fixture.provider.getUsage([iccid!])).toMatchObject([{ iccid, usedMb: 30 }]);
    expect(await fixture.provider.getUsage([iccid!])).toMatchObject([{ iccid, usedMb: 30 }]);
    expect([fixture.calls(DETAIL), fixture.calls(QUERY)]).toEqual([1, 2]);
  });

  it("reports a card getESIMDetail does not know as unknown, through the batch query", async () => {
    const fixture = await startFixture({ dialect });
    expect(await fixture.provider.getUsage(["8985200999999999999"])).toMatchObject([{ iccid: "8985200999999999999", state: "unknown" }]);
  });
});

describe("MIOeSIM queryIccidInformation", () => {
  it("splits 250 ICCIDs into three requests of at most 100 and merges the answers", async () => {
    const fixture = await startFixture();
    const iccids = [...(await orderCards(fixture, 100)), ...(await orderCards(fixture, 100, 263)), ...(await orderCards(fixture, 50, 266))];
    expect(new Set(iccids).size).toBe(250);
    const progress: number[] = [];
    const statuses = await fixture.client.queryIccidInformation(iccids, { onProgress: ({ done }) => progress.push(done) });
    expect(fixture.calls(QUERY)).toBe(3);
    expect(statuses.map((status) => status.iccid)).toEqual(iccids);
    expect(progress).toEqual([100, 200, 250]);
  });

  it("leaves out ICCIDs it does not know or that belong to others", async () => {
    const fixture = await startFixture();
    const [mine] = await orderCards(fixture, 1);
    const statuses = await fixture.client.queryIccidInformation([mine!, "8985200999999999999"]);
    expect(statuses.map((status) => status.iccid)).toEqual([mine]);
  });

  it("answers -8 for a malformed ICCID", async () => {
    const { client } = await startFixture();
    const error = await client.queryIccidInformation(["12345"]).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MioesimQueryFailedError);
    expect(error).toMatchObject({ code: -8 });
  });

  it("sends nothing for an empty list", async () => {
    const fixture = await startFixture();
    expect(await fixture.client.queryIccidInformation([])).toEqual([]);
    expect(fixture.calls(QUERY)).toBe(0);
  });
});

describe("MIOeSIM ICCID renewal options and history", () => {
  it("offers the card's SKU and only its renewable packages", async () => {
    const fixture = await startFixture();
    const [iccid] = await orderCards(fixture, 1);
    expect(await fixture.client.getIccidSupportSku(iccid!)).toEqual([{ skuId: 26, display: "Japan", countryCode: "392" }]);
    const packages = await fixture.client.getIccidSupportPackageInfo(iccid!, 26);
    expect(packages.packages.length).toBeGreaterThan(0);
    expect(packages.packages.every((pkg) => pkg.renewable)).toBe(true);
    await expect(fixture.client.getIccidSupportPackageInfo(iccid!, 27)).rejects.toBeInstanceOf(MioesimOperationFailedError);
  });

  it("offers nothing for a card on a non-renewable package", async () => {
    const fixture = await startFixture();
    const [iccid] = await orderCards(fixture, 1, JAPAN.trial);
    expect(await fixture.client.getIccidSupportSku(iccid!)).toEqual([]);
  });

  it("lists every plan a card has had", async () => {
    const fixture = await startFixture();
    const [iccid] = await orderCards(fixture, 1);
    fixture.state.activateCard(iccid!, Date.now() - 2 * MINUTE);
    const renewal = await fixture.client.addEsimOrder({ skuId: 26, priceId: 263, count: 1, otherOrderId: "H-RENEW", iccid });
    const history = await fixture.client.getHistoryDetail(iccid!);
    expect(history).toHaveLength(2);
    expect(history[0]).toMatchObject({ priceId: 261, dataMb: 1024, days: 7, usedMb: 10, status: 5 });
    expect(history[1]).toMatchObject({ orderNum: renewal.orderNum, priceId: 263, dataMb: 5120, status: 0 });
  });

  it("answers 3 for the history of an unknown ICCID and 22 for another account's card", async () => {
    const other = { phone: "13600000000", password: "p", secret: "s" };
    const fixture = await startFixture({ sim: { accounts: [other] } });
    await expect(fixture.client.getHistoryDetail("8985200999999999999")).rejects.toBeInstanceOf(MioesimNotFoundError);
    const theirs = await fixture.newClient(other).addEsimOrder({ skuId: 26, priceId: JAPAN.oneGb, count: 1, otherOrderId: "T" });
    await expect(fixture.client.getHistoryDetail(theirs.cards[0]!.iccid)).rejects.toBeInstanceOf(MioesimNonPersonalOrderError);
  });
});
