/**
 * The simulator's seeded MIOeSIM catalog: 40 countries, 9 regions and two
 * physical-SIM products, each with the same six package shapes (renewable,
 * non-refundable, non-renewable trial, day pass…). Entirely deterministic:
 * ids, prices and stock derive from the tables below.
 */

export interface SimPackage {
  priceId: number;
  flows: number;
  unit: "MB" | "GB";
  days: number;
  /** US dollars, as the API quotes them. */
  price: number;
  /** 0 = renewable. */
  flowType: number;
  supportDaypass: 0 | 1;
  apiCode: string;
  refundable: boolean;
  premark: string;
  initialStock: number;
}

export interface SimSku {
  skuId: number;
  display: string;
  /** ISO 3166 numeric for countries, 99xxx for regions. */
  countryCode: string;
  group: string;
  supportCountries: string[];
  /** Physical SIM products are ordered with a dpId and not listed by getSkus. */
  physical: boolean;
  packages: SimPackage[];
}

/** skuId | ISO numeric | name | price of 1 GB / 7 days in cents | group */
const COUNTRY_TABLE = `
26|392|Japan|449|Asia
27|410|South Korea|469|Asia
28|156|China|529|Asia
29|344|Hong Kong|399|Asia
30|158|Taiwan|419|Asia
31|764|Thailand|359|Asia
32|704|Vietnam|349|Asia
33|702|Singapore|389|Asia
34|458|Malaysia|369|Asia
35|360|Indonesia|379|Asia
36|608|Philippines|429|Asia
37|356|India|459|Asia
38|446|Macao|409|Asia
40|826|United Kingdom|499|Europe
41|250|France|489|Europe
42|276|Germany|489|Europe
43|380|Italy|479|Europe
44|724|Spain|469|Europe
45|620|Portugal|459|Europe
46|528|Netherlands|489|Europe
47|756|Switzerland|699|Europe
48|040|Austria|479|Europe
49|300|Greece|499|Europe
50|792|Turkey|549|Europe
60|840|United States|599|Americas
61|124|Canada|649|Americas
62|484|Mexico|579|Americas
63|076|Brazil|619|Americas
64|032|Argentina|639|Americas
65|152|Chile|629|Americas
70|784|United Arab Emirates|689|Middle East & Africa
71|682|Saudi Arabia|699|Middle East & Africa
72|376|Israel|589|Middle East & Africa
73|818|Egypt|559|Middle East & Africa
74|504|Morocco|569|Middle East & Africa
75|710|South Africa|599|Middle East & Africa
76|404|Kenya|649|Middle East & Africa
77|566|Nigeria|719|Middle East & Africa
80|036|Australia|539|Oceania
81|554|New Zealand|559|Oceania
`;

/** skuId | region code | name | price of 1 GB / 7 days in cents | countries covered ("*" = every country) */
const REGION_TABLE = `
120|99101|Europe|699|United Kingdom,France,Germany,Italy,Spain,Portugal,Netherlands,Switzerland,Austria,Greece,Turkey
124|99115|Asia 30|799|Japan,South Korea,China,Hong Kong,Taiwan,Thailand,Vietnam,Singapore,Malaysia,Indonesia,Philippines,India,Macao
125|99116|Southeast Asia|549|Thailand,Vietnam,Singapore,Malaysia,Indonesia,Philippines
130|99120|North America|749|United States,Canada,Mexico
131|99121|South America|899|Brazil,Argentina,Chile
140|99130|Middle East|849|United Arab Emirates,Saudi Arabia,Israel,Turkey,Egypt
156|99918|Africa|999|South Africa,Kenya,Nigeria,Egypt,Morocco
160|99140|Oceania|649|Australia,New Zealand
199|99999|Global|1299|*
`;

/** skuId | country or region code | name | cents — physical SIMs shipped through a distribution partner. */
const PHYSICAL_TABLE = `
9001|392|Japan SIM card|549
9002|99101|Europe SIM card|799
`;

/** Distribution partners and the physical SKUs they carry. */
export const DISTRIBUTION_PARTNERS: ReadonlyMap<string, number[]> = new Map([["DP-TYO-01", [9001, 9002]]]);

export const REFUNDABLE_NOTE = "Cancellable with a full refund until the eSIM is activated on a device.";
export const NON_REFUNDABLE_NOTE = "Non-refundable once purchased.";

/** The package shapes every SKU offers; `slot` is the last digit of the priceId. */
const PACKAGE_SHAPES = [
  { slot: 1, flows: 1, unit: "GB", days: 7, priceFactor: 1, flowType: 0, dayPass: 0, refundable: true },
  { slot: 2, flows: 3, unit: "GB", days: 15, priceFactor: 2.2, flowType: 0, dayPass: 0, refundable: true },
  { slot: 3, flows: 5, unit: "GB", days: 30, priceFactor: 3.2, flowType: 0, dayPass: 0, refundable: true },
  { slot: 4, flows: 10, unit: "GB", days: 30, priceFactor: 5.5, flowType: 0, dayPass: 0, refundable: false },
  { slot: 5, flows: 500, unit: "MB", days: 1, priceFactor: 0.4, flowType: 1, dayPass: 0, refundable: true },
  { slot: 6, flows: 1, unit: "GB", days: 5, priceFactor: 2.5, flowType: 0, dayPass: 1, refundable: true },
] as const;

/**
 * Finite, uneven inventory so verifyResource can say no: the 10 GB package
 * of every fifth SKU is sold out and 3 GB packages run low.
 */
function initialStock(skuId: number, slot: number): number {
  if (slot === 4 && skuId % 5 === 0) return 0;
  if (slot === 2) return 20;
  return 1_000;
}

function packagesFor(skuId: number, countryCode: string, baseCents: number): SimPackage[] {
  return PACKAGE_SHAPES.map((shape) => ({
    priceId: skuId * 10 + shape.slot,
    flows: shape.flows,
    unit: shape.unit,
    days: shape.days,
    price: Math.round(baseCents * shape.priceFactor) / 100,
    flowType: shape.flowType,
    supportDaypass: shape.dayPass,
    apiCode: `${countryCode}-${shape.flowType}-${shape.days}-${shape.flows}-${shape.unit[0]}`,
    refundable: shape.refundable,
    premark: shape.refundable ? REFUNDABLE_NOTE : NON_REFUNDABLE_NOTE,
    initialStock: initialStock(skuId, shape.slot),
  }));
}

function rows(table: string): string[][] {
  return table
    .trim()
    .split("\n")
    .map((line) => line.split("|"));
}

function buildCatalog(): SimSku[] {
  const countries = rows(COUNTRY_TABLE).map(([skuId, code, name, cents, group]) => ({
    skuId: Number(skuId),
    display: name!,
    countryCode: code!,
    group: group!,
    supportCountries: [name!],
    physical: false,
    packages: packagesFor(Number(skuId), code!, Number(cents)),
  }));
  const everyCountry = countries.map((sku) => sku.display);
  const regions = rows(REGION_TABLE).map(([skuId, code, name, cents, covered]) => ({
    skuId: Number(skuId),
    display: name!,
    countryCode: code!,
    group: "Regional",
    supportCountries: covered === "*" ? everyCountry : covered!.split(","),
    physical: false,
    packages: packagesFor(Number(skuId), code!, Number(cents)),
  }));
  const physical = rows(PHYSICAL_TABLE).map(([skuId, code, name, cents]) => {
    const servedBy = [...countries, ...regions].find((sku) => sku.countryCode === code)!;
    return {
      ...servedBy,
      skuId: Number(skuId),
      display: name!,
      group: "Physical SIM",
      physical: true,
      packages: packagesFor(Number(skuId), code!, Number(cents)).slice(0, 3),
    };
  });
  return [...countries, ...regions, ...physical];
}

export const CATALOG: readonly SimSku[] = buildCatalog();
