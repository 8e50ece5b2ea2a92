/**
 * The simulator's fixed catalog: countries, eSIM bundles, top-up networks,
 * wallet products and portal SKUs. Deterministic, so tests and demos see the
 * same names and prices on every run.
 */

export interface SimCountry {
  iso: string;
  name: string;
  region: string;
}

export interface SimBundle {
  name: string;
  description: string;
  /** null: unlimited. */
  dataMb: number | null;
  validityDays: number;
  /** Before the dealer's markup. */
  baseCents: number;
  countries: SimCountry[];
  region: string;
  dayPass: boolean;
}

export interface SimNetwork {
  name: string;
  country: string;
  currency: string;
  /** Phone numbers on this network start with it. */
  dialPrefix: string;
  /** SIM serials (ICCIDs) on this network start with it. */
  iccidPrefix: string;
  minTopUp: number;
  maxTopUp: number;
  /** USD per unit of the network's currency. */
  usdRate: number;
  bundles: { productCode: string; name: string; value: number }[];
}

export interface SimProduct {
  id: string;
  name: string;
  /** Dealer price. */
  priceCents: number;
  /** US prepaid lines need the device IMEI, EID and an address. */
  usPrepaid: boolean;
}

export interface SimSku {
  id: string;
  name: string;
  priceCents: number;
  carrier: string | null;
  planType: string | null;
}

const COUNTRIES_BY_REGION: Record<string, [string, string][]> = {
  Asia: [
    ["JP", "Japan"],
    ["KR", "South Korea"],
    ["CN", "China"],
    ["HK", "Hong Kong"],
    ["TW", "Taiwan"],
    ["TH", "Thailand"],
    ["VN", "Vietnam"],
    ["SG", "Singapore"],
    ["MY", "Malaysia"],
    ["ID", "Indonesia"],
    ["PH", "Philippines"],
    ["IN", "India"],
  ],
  Europe: [
    ["GB", "United Kingdom"],
    ["FR", "France"],
    ["DE", "Germany"],
    ["IT", "Italy"],
    ["ES", "Spain"],
    ["PT", "Portugal"],
    ["NL", "Netherlands"],
    ["BE", "Belgium"],
    ["CH", "Switzerland"],
    ["AT", "Austria"],
    ["GR", "Greece"],
    ["IE", "Ireland"],
    ["SE", "Sweden"],
    ["NO", "Norway"],
    ["DK", "Denmark"],
    ["PL", "Poland"],
    ["CZ", "Czechia"],
    ["TR", "Turkey"],
  ],
  "North America": [
    ["US", "United States"],
    ["CA", "Canada"],
    ["MX", "Mexico"],
  ],
  "Latin America": [
    ["BR", "Brazil"],
    ["AR", "Argentina"],
    ["CL", "Chile"],
    ["CO", "Colombia"],
    ["PE", "Peru"],
  ],
  "Middle East": [
    ["AE", "United Arab Emirates"],
    ["SA", "Saudi Arabia"],
    ["IL", "Israel"],
    ["QA", "Qatar"],
  ],
  Africa: [
    ["ZA", "South Africa"],
    ["EG", "Egypt"],
    ["MA", "Morocco"],
    ["KE", "Kenya"],
  ],
  Oceania: [
    ["AU", "Australia"],
    ["NZ", "New Zealand"],
  ],
};

export const COUNTRIES: readonly SimCountry[] = Object.entries(COUNTRIES_BY_REGION).flatMap(([region, list]) =>
  list.map(([iso, name]) => ({ iso, name, region })),
);

/** 1.0 to 1.9 by ISO code, so prices differ by country but never between runs. */
function priceFactor(iso: string): number {
  return 1 + ((iso.charCodeAt(0) * 31 + iso.charCodeAt(1)) % 10) / 10;
}

const COUNTRY_PLANS = [
  { gb: 1, days: 7 },
  { gb: 3, days: 15 },
  { gb: 5, days: 30 },
  { gb: 10, days: 30 },
  { gb: 1, days: 1, dayPass: true },
  { gb: null, days: 7 },
] as const;

const REGION_PLANS = [
  { gb: 3, days: 15 },
  { gb: 10, days: 30 },
  { gb: 20, days: 30 },
] as const;

function bundle(
  slug: string,
  label: string,
  plan: { gb: number | null; days: number; dayPass?: boolean },
  factor: number,
  countries: SimCountry[],
  region: string,
): SimBundle {
  const size = plan.gb === null ? "unlimited" : `${plan.gb}gb`;
  const baseCents = Math.round((plan.gb === null ? 1800 : 150 + plan.gb * 90 * (plan.dayPass ? 1.5 : 1)) * factor);
  return {
    name: `esim_${size}_${plan.days}days_${slug}`,
    description: `${label} ${plan.gb === null ? "Unlimited" : `${plan.gb} GB`}${plan.dayPass ? " per day" : ""}, ${plan.days} day${plan.days === 1 ? "" : "s"}`,
    dataMb: plan.gb === null ? null : plan.gb * 1024,
    validityDays: plan.days,
    baseCents,
    countries,
    region,
    dayPass: plan.dayPass ?? false,
  };
}

export const BUNDLES: readonly SimBundle[] = [
  ...COUNTRIES.flatMap((c) => COUNTRY_PLANS.map((plan) => bundle(c.iso.toLowerCase(), c.name, plan, priceFactor(c.iso), [c], c.region))),
  ...Object.keys(COUNTRIES_BY_REGION).flatMap((region) =>
    REGION_PLANS.map((plan) =>
      bundle(
        region.toLowerCase().replace(/\s+/g, ""),
        region,
        plan,
        1.4,
        COUNTRIES.filter((c) => c.region === region),
        region,
      ),
    ),
  ),
  ...REGION_PLANS.map((plan) => bundle("global", "Global", plan, 2.2, [...COUNTRIES], "Global")),
];

export const NETWORKS: readonly SimNetwork[] = [
  {
    name: "Vodafone-UK",
    country: "GB",
    currency: "GBP",
    dialPrefix: "+44",
    iccidPrefix: "8944",
    minTopUp: 5,
    maxTopUp: 50,
    usdRate: 1.27,
    bundles: [{ productCode: "VUK-DATA-10", name: "10GB add-on", value: 10 }],
  },
  {
    name: "EE-UK",
    country: "GB",
    currency: "GBP",
    dialPrefix: "+44",
    iccidPrefix: "8944",
    minTopUp: 10,
    maxTopUp: 30,
    usdRate: 1.27,
    bundles: [],
  },
  {
    name: "Orange-FR",
    country: "FR",
    currency: "EUR",
    dialPrefix: "+33",
    iccidPrefix: "8933",
    minTopUp: 5,
    maxTopUp: 100,
    usdRate: 1.08,
    bundles: [],
  },
  {
    name: "Telcel-MX",
    country: "MX",
    currency: "MXN",
    dialPrefix: "+52",
    iccidPrefix: "8952",
    minTopUp: 50,
    maxTopUp: 1000,
    usdRate: 0.058,
    bundles: [],
  },
  {
    name: "ATT-US",
    country: "US",
    currency: "USD",
    dialPrefix: "+1",
    iccidPrefix: "8901",
    minTopUp: 10,
    maxTopUp: 100,
    usdRate: 1,
    bundles: [{ productCode: "ATT-INTL-5", name: "International 5", value: 5 }],
  },
];

export const PRODUCTS: readonly SimProduct[] = [
  { id: "p3:att-prepaid-30", name: "AT&T Prepaid 30 days", priceCents: 25_00, usPrepaid: true },
  { id: "p3:tmobile-prepaid-30", name: "T-Mobile Prepaid 30 days", priceCents: 30_00, usPrepaid: true },
  { id: "p1:esim-global-10gb-30", name: "Global 10 GB, 30 days", priceCents: 22_50, usPrepaid: false },
  { id: "p1:esim-eu-5gb-30", name: "Europe 5 GB, 30 days", priceCents: 12_00, usPrepaid: false },
];

export const SUPPLY_SKUS: readonly SimSku[] = [
  { id: "6f1c2a7e-0b7d-4c1e-9a51-att0qr000001", name: "AT&T eSIM (QR), pre-validated", priceCents: 4_00, carrier: "att", planType: "qr" },
];

export const VALIDATOR_SKUS: readonly SimSku[] = [
  { id: "9d0b5e3c-52a4-4f0e-8c7d-validate0001", name: "eSIM validation, per LPA", priceCents: 15, carrier: null, planType: null },
];
