import { describe, expect, it } from "vitest";
import {
  MioesimDpIdRequiredError,
  MioesimMissingParameterError,
  MioesimNotFoundError,
  MioesimOperationFailedError,
  MioesimQueryFailedError,
} from "@/lib/providers/mioesim";
import { CATALOG } from "@/simulators/mioesim";
import { JAPAN, startFixture } from "./fixtures";

describe("MIOeSIM catalog endpoints", () => {
  it("getSkus lists every eSIM destination, countries by ISO numeric code and regions by 99xxx", async () => {
    const { client } = await startFixture();
    const skus = await client.getSkus();
    expect(skus.length).toBeGreaterThanOrEqual(40);
    expect(skus).toContainEqual({ skuId: 26, display: "Japan", countryCode: "392" });
    expect(skus).toContainEqual({ skuId: 156, display: "Africa", countryCode: "99918" });
    expect(skus.map((sku) => sku.display)).toEqual(expect.arrayContaining(["Europe", "Asia 30", "Global"]));
    expect(skus.some((sku) => sku.display.includes("SIM card"))).toBe(false);
  });

  it("getSkuByGroup returns the same SKUs grouped", async () => {
    const { client } = await startFixture();
    const groups = await client.getSkuByGroup();
    expect(groups.map((group) => group.name)).toEqual(expect.arrayContaining(["Asia", "Europe", "Regional"]));
    const grouped = groups.flatMap((group) => group.skus.map((sku) => sku.skuId)).sort((a, b) => a - b);
    const listed = (await client.getSkus()).map((sku) => sku.skuId).sort((a, b) => a - b);
    expect(grouped).toEqual(listed);
  });

  it("getPackages parses packages into typed objects with prices in minor units", async () => {
    const { client } = await startFixture();
    const japan = await client.getPackages(JAPAN.skuId);
    expect(japan).toMatchObject({ skuId: 26, display: "Japan", supportCountries: ["Japan"] });
    expect(japan.packages).toHaveLength(6);
    const oneGb = japan.packages.find((pkg) => pkg.priceId === JAPAN.oneGb);
    expect(oneGb).toEqual({
      priceId: 261,
      flows: 1,
      unit: "GB",
      dataMb: 1024,
      days: 7,
      priceMinor: 449,
      flowType: 0,
      renewable: true,
      dayPass: false,
      apiCode: "392-0-7-1-G",
      cancellationPolicy: expect.stringMatching(/refund/),
      cancellable: true,
    });
    const byId = new Map(japan.packages.map((pkg) => [pkg.priceId, pkg]));
    expect(byId.get(JAPAN.threeGb)?.priceMinor).toBe(988);
    expect(byId.get(JAPAN.nonRefundable)).toMatchObject({ cancellable: false, cancellationPolicy: "Non-refundable once purchased." });
    expect(byId.get(JAPAN.trial)).toMatchObject({ flows: 500, unit: "MB", dataMb: 500, flowType: 1, renewable: false });
    expect(byId.get(JAPAN.dayPass)).toMatchObject({ dayPass: true, days: 5 });
  });

  it("lists a region's countries", async () => {
    const { client } = await startFixture();
    const europe = await client.getPackages(120);
    expect(europe.supportCountries).toEqual(expect.arrayContaining(["France", "Germany", "United Kingdom"]));
  });

  it("answers -3 for an unknown SKU and -8 for a non-numeric one", async () => {
    const { client } = await startFixture();
    const error = await client.getPackages(424242).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MioesimOperationFailedError);
    expect(error).toMatchObject({ code: -3 });
    expect((error as Error).message).toContain("424242");
    await expect(client.getPackages(Number.NaN)).rejects.toBeInstanceOf(MioesimQueryFailedError);
  });

  it("verifyResource tracks finite stock", async () => {
    const { client, state } = await startFixture();
    expect((await client.verifyResource({ skuId: 26, priceId: JAPAN.oneGb, count: 5 })).stock).toBe("enough");
    // The 10 GB package of every fifth SKU is seeded sold out.
    expect((await client.verifyResource({ skuId: 40, priceId: 404, count: 1 })).stock).toBe("short");
    // 3 GB packages are seeded with 20 cards.
    expect((await client.verifyResource({ skuId: 26, priceId: JAPAN.threeGb, count: 20 })).stock).toBe("enough");
    expect((await client.verifyResource({ skuId: 26, priceId: JAPAN.threeGb, count: 21 })).stock).toBe("short");
    state.setStock(JAPAN.oneGb, 0);
    expect((await client.verifyResource({ skuId: 26, priceId: JAPAN.oneGb, count: 1 })).stock).toBe("short");
  });

  it("verifyResource says no under the forced out-of-stock fault, once", async () => {
    const { client, sim } = await startFixture();
    await client.getSkus();
    sim.faults.forced.outOfStock = 1;
    expect((await client.verifyResource({ skuId: 26, priceId: JAPAN.oneGb, count: 1 })).stock).toBe("short");
    expect((await client.verifyResource({ skuId: 26, priceId: JAPAN.oneGb, count: 1 })).stock).toBe("enough");
  });

  it("takes faults at run time over HTTP, as the demo does", async () => {
    const { client, url } = await startFixture();
    await client.getSkus();
    const response = await fetch(`${url}/__sim/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ forced: { outOfStock: 1 } }),
    });
    expect(response.ok).toBe(true);
    expect((await client.verifyResource({ skuId: 26, priceId: JAPAN.oneGb, count: 1 })).stock).toBe("short");
  });

  it("verifyResource answers -3 for a package of another SKU", async () => {
    const { client } = await startFixture();
    await expect(client.verifyResource({ skuId: 27, priceId: JAPAN.oneGb, count: 1 })).rejects.toBeInstanceOf(MioesimOperationFailedError);
  });

  it("getDpSupportSkuInfo lists a distribution partner's physical SIM products", async () => {
    const { client } = await startFixture();
    const skus = await client.getDpSupportSkuInfo("DP-TYO-01");
    expect(skus.map((sku) => sku.skuId)).toEqual([9001, 9002]);
  });

  it("getDpSupportSkuInfo answers -10 without a dpId and 3 for an unknown one", async () => {
    const { client } = await startFixture();
    const missing = await client.getDpSupportSkuInfo("").catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(MioesimDpIdRequiredError);
    expect(missing).toMatchObject({ code: -10 });
    await expect(client.getDpSupportSkuInfo("DP-NOWHERE")).rejects.toBeInstanceOf(MioesimNotFoundError);
  });

  it("names the missing parameter in a -2", async () => {
    const { client } = await startFixture();
    const error = await client.getIccidSupportSku("").catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MioesimMissingParameterError);
    expect(error).toMatchObject({ code: -2 });
    expect((error as Error).message).toContain("iccid");
  });
});

describe("MIOeSIM simulator seed", () => {
  it("is realistic: 40+ destinations with several kinds of package each", () => {
    const esims = CATALOG.filter((sku) => !sku.physical);
    expect(esims.length).toBeGreaterThanOrEqual(40);
    expect(esims.filter((sku) => sku.countryCode.startsWith("99")).length).toBeGreaterThanOrEqual(5);
    for (const sku of esims) {
      expect(sku.packages.length).toBeGreaterThanOrEqual(3);
      expect(sku.packages.some((pkg) => pkg.flowType !== 0)).toBe(true);
      expect(sku.packages.some((pkg) => pkg.supportDaypass === 1)).toBe(true);
      expect(sku.packages.some((pkg) => !pkg.refundable)).toBe(true);
    }
    const priceIds = CATALOG.flatMap((sku) => sku.packages.map((pkg) => pkg.priceId));
    expect(new Set(priceIds).size).toBe(priceIds.length);
  });

  it("is deterministic", async () => {
    const { client: first } = await startFixture();
    const { client: second } = await startFixture();
    expect(await first.getPackages(199)).toEqual(await second.getPackages(199));
  });
});
