/**
 * The readers for MeiSIM's loosely documented answers, and the page walk and
 * catalog strategy, against canned services that behave in ways the
 * simulator's dialects do not (ignored paging, stated page counts, endless
 * lists, bundles only a country filter reveals).
 */
import { describe, expect, it } from "vitest";
import { ProviderResponseError } from "@/lib/providers/errors";
import { fetchCatalog, MAX_BUNDLE_PAGES, meisimNormalise as N } from "@/lib/providers/meisim";
import { cannedFetch, clientFor, recordingLogger, silentLogger } from "./harness";

const WHERE = "POST /api/v1/esim/bundles";
const canned = (routes: Parameters<typeof cannedFetch>[0]) => {
  const fetchImpl = cannedFetch(routes);
  return { fetchImpl, client: clientFor("http://meisim.invalid", { fetchImpl, rateLimits: { read: null } }) };
};
const bundle = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  dataAllowance: "1GB",
  validity: "7 days",
  price: "1.00",
  ...extra,
});

describe("reading amounts of data, durations and money", () => {
  it.each([
    [5120, 5120],
    ["5GB", 5120],
    ["5 GB", 5120],
    ["1.5 GB", 1536],
    ["500MB", 500],
    ["500", 500],
    ["1GB/day", 1024],
    ["Unlimited", null],
    [-1, null],
    ["-1", null],
    [{ amount: 2, unit: "GB" }, 2048],
    [5_368_709_120, 5120],
    ["lots", undefined],
  ] as const)("data allowance %j → %j MB", (input, mb) => {
    expect(N.dataMb(input)).toBe(mb);
  });

  it.each([
    [30, 30],
    ["30", 30],
    ["30 days", 30],
    ["1 day", 1],
    ["30d", 30],
    ["4 weeks", 28],
    ["1 month", 30],
    ["24 hours", 1],
    [{ value: 15, unit: "days" }, 15],
    [0, undefined],
    ["soon", undefined],
  ] as const)("validity %j → %j days", (input, d) => {
    expect(N.days(input)).toBe(d);
  });

  it.each([
    [4.49, { minor: 449 }],
    ["4.49", { minor: 449 }],
    ["$4.49", { minor: 449, currency: "USD" }],
    ["4.49 USD", { minor: 449, currency: "USD" }],
    ["EUR 12", { minor: 1200, currency: "EUR" }],
    ["1,234.50", { minor: 123450 }],
    ["n/a", undefined],
  ] as const)("price %j", (input, out) => {
    expect(N.majorToMinor(input)).toEqual(out);
  });

  it("reads instants from ISO text, zone-less text (as UTC) and epoch numbers", () => {
    expect(N.instant("2026-05-05T12:34:56Z")).toBe("2026-05-05T12:34:56.000Z");
    expect(N.instant("2026-05-05 12:34:56")).toBe("2026-05-05T12:34:56.000Z");
    expect(N.instant(1_778_000_000)).toBe(new Date(1_778_000_000_000).toISOString());
    expect(N.instant("never")).toBeUndefined();
  });
});

describe("reading countries", () => {
  it("takes ISO codes and English names through the ISO data set, dropping what it cannot place", () => {
    const refs = N.countryRefs(["JP", "Japan", { code: "kr" }, { countryName: "Germany" }, "UK", "Atlantis", { iso2: "us", name: "USA" }]);
    expect(refs.map((c) => c.iso)).toEqual(["JP", "KR", "DE", "GB", "US"]);
    expect(N.countryRefs("FR, DE ,IT").map((c) => c.iso)).toEqual(["FR", "DE", "IT"]);
  });

  it("reads the country catalog bare, wrapped or by name only, and fails when nothing in it is a country", () => {
    expect(N.readCountries([{ countryISO: "JP", countryName: "Japan", region: "Asia" }], "x").countries).toEqual([
      { iso: "JP", name: "Japan", region: "Asia" },
    ]);
    expect(N.readCountries({ data: { items: [{ Name: "Japan" }, { Name: "Nowhere" }] } }, "x")).toEqual({
      countries: [{ iso: "JP", name: "Japan", region: null }],
      unreadable: 1,
    });
    expect(N.readCountries({ Countries: ["JP", "KR"] }, "x").countries.map((c) => c.iso)).toEqual(["JP", "KR"]);
    expect(() => N.readCountries({ Countries: [{ foo: 1 }] }, "GET /api/v1/esim/countries")).toThrow(ProviderResponseError);
    expect(() => N.readCountries({ message: "ok" }, "GET /api/v1/esim/countries")).toThrow(/no country list found/);
  });
});

describe("reading bundles", () => {
  it.each([
    ["camelCase text", { name: "b1", dataAllowance: "3 GB", validity: "15 days", price: "7.10" }],
    ["snake_case strings", { bundle_name: "b1", data_allowance: "3072", validity_days: "15", price: "7.10" }],
    ["PascalCase MB and cents", { BundleName: "b1", DataMb: 3072, ValidityDays: 15, PriceCents: 710 }],
    [
      "nested units",
      { name: "b1", data: { amount: 3, unit: "GB" }, duration: { value: 15, unit: "days" }, price: { amount: "7.10", currency: "usd" } },
    ],
    ["separate unit fields", { code: "b1", volume: 3, dataUnit: "GB", period: 15, cost: "$7.10" }],
  ])("reads %s", (_form, raw) => {
    expect(N.readBundle(raw, WHERE)).toMatchObject({
      name: "b1",
      dataMb: 3072,
      validityDays: 15,
      price: { amountMinor: 710, currency: "USD" },
    });
  });

  it("reads unlimited, day passes, coverage and region under natural names", () => {
    expect(N.readBundle({ Name: "u", DataMb: null, ValidityDays: 7, Price: 18 }, WHERE).dataMb).toBeNull();
    expect(N.readBundle({ name: "u", dataAllowance: "Unlimited", validity: 7, price: 18 }, WHERE).dataMb).toBeNull();
    expect(N.readBundle({ name: "d", dataAllowance: "1GB/day", validity: 1, price: 2 }, WHERE)).toMatchObject({
      dataMb: 1024,
      dayPass: true,
    });
    expect(N.readBundle({ name: "c", dataAllowance: 1024, validity: 7, price: 2, countryCodes: ["jp"] }, WHERE).countries).toEqual([
      { iso: "JP", name: null },
    ]);
    expect(
      N.readBundle(
        { name: "c", dataAllowance: 1024, validity: 7, price: 2, coverage: [{ Code: "FR", Name: "France" }], region: { name: "Europe" } },
        WHERE,
      ),
    ).toMatchObject({
      countries: [{ iso: "FR", name: "France" }],
      region: "Europe",
    });
    expect(N.readBundle({ bundleName: "esim_x", name: "Japan 1 GB", dataAllowance: 1024, validity: 7, price: 2 }, WHERE)).toMatchObject({
      name: "esim_x",
      description: "Japan 1 GB",
    });
  });

  it("names the field it cannot read", () => {
    expect(() => N.readBundle({ dataAllowance: "1GB", validity: 7, price: 1 }, WHERE)).toThrow(/bundle name is missing/);
    expect(() => N.readBundle({ name: "b", validity: 7, price: 1 }, WHERE)).toThrow(/bundle b: data allowance is missing/);
    expect(() => N.readBundle({ name: "b", dataAllowance: "1GB", price: 1 }, WHERE)).toThrow(/bundle b: validity is missing/);
    expect(() => N.readBundle({ name: "b", dataAllowance: "1GB", validity: 7, price: "ask us" }, WHERE)).toThrow(
      /bundle b: price is missing or unreadable/,
    );
  });

  it("finds paging figures wherever they are stated", () => {
    expect(N.pageInfo({ PageNumber: 1, PageSize: 100, TotalCount: 306 })).toEqual({ total: 306, totalPages: undefined, pageSize: 100 });
    expect(N.pageInfo({ data: { items: [], pagination: { per_page: "50", total_pages: "7" } } })).toEqual({
      total: undefined,
      totalPages: 7,
      pageSize: 50,
    });
    expect(N.pageInfo([])).toEqual({});
  });
});

describe("reading installs and eSIM details", () => {
  it("finds an LPA as QrCode text, under other names, or from SM-DP+ address and code", () => {
    expect(N.findLpa(N.layers({ QrCode: "LPA:1$a.example$X" }))).toBe("LPA:1$a.example$X");
    expect(N.findLpa(N.layers({ QrCode: "https://qr/1.png", activation_code: "LPA:1$a.example$X" }))).toBe("LPA:1$a.example$X");
    expect(N.findLpa(N.layers({ QrCode: "https://qr/1.png", smdp_address: "https://a.example/", matching_id: "X" }))).toBe(
      "LPA:1$a.example$X",
    );
    expect(N.findLpa(N.layers({ result: { esims: [{ anything: "LPA:1$a.example$X" }] } }))).toBe("LPA:1$a.example$X");
    expect(N.findLpa(N.layers({ QrCode: "https://qr/1.png" }))).toBeUndefined();
  });

  it("reads activation state, usage and expiry in several wordings", () => {
    expect(N.readDetails({ activationState: "NOT_INSTALLED", dataUsed: 0, dataAllowance: -1, expiry: null }, "x")).toMatchObject({
      state: "not_installed",
      usedMb: 0,
      totalMb: null,
      expiresAt: null,
      lpa: null,
    });
    expect(N.readDetails({ Status: "Success", State: "ACTIVE", DataUsedMb: 10, DataAllowanceMb: 1024 }, "x")).toMatchObject({
      state: "active",
      usedMb: 10,
      totalMb: 1024,
    });
    expect(
      N.readDetails(
        { data: { status: "Expired", usage: { used: "1.5 GB", remaining: "0.5 GB" }, expiry_date: "2026-06-01 00:00:00" } },
        "x",
      ),
    ).toMatchObject({
      state: "expired",
      usedMb: 1536,
      totalMb: 2048,
      expiresAt: "2026-06-01T00:00:00.000Z",
    });
    expect(N.readDetails({ activated: false, dataUsed: 0 }, "x").state).toBe("not_installed");
    expect(N.readDetails({ state: "HIBERNATING", dataUsed: 0 }, "x")).toMatchObject({ state: "unknown", rawState: "HIBERNATING" });
    expect(() => N.readDetails({ dataUsed: 0 }, "POST /api/v1/esim/details")).toThrow(/activation state is missing/);
  });
});

describe("walking the bundle list against services that page differently", () => {
  const page = (from: number, count: number) => Array.from({ length: count }, (_, i) => bundle(`b${from + i}`));

  it("stops when a service ignores pageNumber and repeats its first page", async () => {
    const logger = recordingLogger();
    const fetchImpl = cannedFetch({ "/api/v1/esim/bundles": () => page(0, 100) });
    const walk = await clientFor("http://meisim.invalid", { fetchImpl, logger }).esim.allBundles();
    expect(walk.bundles).toHaveLength(100);
    expect(fetchImpl.requests).toHaveLength(2);
    expect(logger.entries.some((e) => e.level === "warn" && /repeats/.test(e.msg))).toBe(true);
  });

  it("follows a stated page size and page count rather than the one asked for", async () => {
    const { client, fetchImpl } = canned({
      "/api/v1/esim/bundles": (body) => ({
        result: { rows: page(((body.pageNumber as number) - 1) * 50, 50), meta: { perPage: 50, totalPages: 3 } },
      }),
    });
    const progress: number[] = [];
    const walk = await client.esim.allBundles({}, { onProgress: (p) => progress.push(p.total) });
    expect(walk.bundles).toHaveLength(150);
    expect(fetchImpl.requests.map((r) => r.body.pageNumber)).toEqual([1, 2, 3]);
    expect(progress).toEqual([3, 3, 3]);
  });

  it("walks a bare list until an empty page", async () => {
    const { client, fetchImpl } = canned({
      "/api/v1/esim/bundles": (body) => ((body.pageNumber as number) <= 2 ? page(((body.pageNumber as number) - 1) * 100, 100) : []),
    });
    expect((await client.esim.allBundles()).bundles).toHaveLength(200);
    expect(fetchImpl.requests).toHaveLength(3);
  });

  it("gives up on a list that never ends", async () => {
    const { client, fetchImpl } = canned({ "/api/v1/esim/bundles": (body) => page(((body.pageNumber as number) - 1) * 100, 100) });
    const walk = await client.esim.allBundles();
    expect(fetchImpl.requests).toHaveLength(MAX_BUNDLE_PAGES);
    expect(walk.pages).toBe(MAX_BUNDLE_PAGES);
  });

  it("fails naming the list when the unfiltered answer holds none, and reads a filtered one without a list as empty", async () => {
    const { client } = canned({
      "/api/v1/esim/bundles": (body) => (body.countryISO ? { message: "No bundles for this country" } : { message: "ok" }),
    });
    await expect(client.esim.allBundles()).rejects.toThrow(/no bundle list found/);
    expect((await client.esim.allBundles({ countryISO: "AQ" })).bundles).toEqual([]);
  });

  it("reads an upstream failure in a 200 as a refusal", async () => {
    const { client } = canned({ "/api/v1/esim/bundles": () => ({ Status: "Failed", Message: "Catalog offline" }) });
    await expect(client.esim.allBundles()).rejects.toMatchObject({ code: "UPSTREAM_FAILED", message: /Catalog offline/ });
  });
});

describe("the catalog strategy when bundles state no coverage", () => {
  const COUNTRY_BUNDLES: Record<string, string[]> = {
    JP: ["jp-1", "asia-1", "world"],
    KR: ["kr-1", "asia-1", "world"],
    FR: ["fr-1", "world", "hidden-fr"],
  };

  it("lists per country, derives coverage and region names, adds bundles only a country lists, skips what it cannot place", async () => {
    const logger = recordingLogger();
    const fetchImpl = cannedFetch({
      "/api/v1/esim/countries": () => ({
        countries: [
          { name: "Japan", region: "Asia" },
          { name: "South Korea", region: "Asia" },
          { name: "France", region: "Europe" },
        ],
      }),
      "/api/v1/esim/bundles": (body) => {
        const iso = body.countryISO as string | undefined;
        if (!iso)
          return [
            ...["jp-1", "kr-1", "fr-1", "asia-1", "world", "orphan"].map((n) => bundle(n)),
            bundle("eu-only", { region: "Europe" }),
            { name: "broken" },
          ];
        return (COUNTRY_BUNDLES[iso] ?? []).map((n) => bundle(n));
      },
    });
    const client = clientFor("http://meisim.invalid", { fetchImpl, rateLimits: { read: null }, logger });
    const progress: { done: number; total: number }[] = [];
    const catalog = await fetchCatalog(client.esim, logger, (p) => progress.push(p));
    const byRef = Object.fromEntries(catalog.plans.map((p) => [p.planRef, p.destination]));
    expect(catalog.coverage).toBe("per-country");
    expect(byRef["jp-1"]).toEqual({ providerRef: "JP", name: "Japan", kind: "country", countryCodes: ["JP"] });
    expect(byRef["asia-1"]).toEqual({ providerRef: "Asia", name: "Asia", kind: "region", countryCodes: ["JP", "KR"] });
    expect(byRef["world"]).toEqual({ providerRef: "Global", name: "Global", kind: "region", countryCodes: ["FR", "JP", "KR"] });
    expect(byRef["hidden-fr"]).toMatchObject({ kind: "country", countryCodes: ["FR"] });
    expect(byRef["eu-only"]).toEqual({ providerRef: "Europe", name: "Europe", kind: "region", countryCodes: [] });
    expect(Object.keys(byRef)).not.toContain("orphan");
    expect(Object.keys(byRef)).not.toContain("broken");
    expect(logger.entries.filter((e) => e.level === "warn").map((e) => e.msg)).toEqual(
      expect.arrayContaining([expect.stringMatching(/unreadable bundle skipped/), expect.stringMatching(/bundle skipped: neither/)]),
    );
    expect(fetchImpl.requests.filter((r) => r.path === "/api/v1/esim/bundles").map((r) => r.body.countryISO)).toEqual([
      undefined,
      "JP",
      "KR",
      "FR",
    ]);
    expect(progress.map((p) => `${p.done}/${p.total}`)).toEqual(["1/1", "2/4", "3/4", "4/4"]);
  });

  it("refuses to report an empty catalog, or one where no bundle reads", async () => {
    const empty = canned({ "/api/v1/esim/countries": () => [], "/api/v1/esim/bundles": () => [] });
    await expect(fetchCatalog(empty.client.esim, silentLogger)).rejects.toThrow(/refusing to report an empty catalog/);
    const unreadable = canned({ "/api/v1/esim/bundles": () => [{ name: "a" }, { name: "b" }] });
    await expect(fetchCatalog(unreadable.client.esim, silentLogger)).rejects.toThrow(
      /none of the 2 bundles could be read; first problem: .*bundle a: data allowance/,
    );
  });
});
