import { z } from "zod";
import type { Money } from "../types";
import { usdMinor } from "./response";

/** Pieces both portal services (eSIM Supply, Validator) answer with. */

export const skuListSchema = z.object({
  skus: z.array(
    z.object({
      id: z.string().min(1),
      name: z.string(),
      price_usd: usdMinor,
      carrier: z.string().nullish(),
      plan_type: z.string().nullish(),
    }),
  ),
});

export interface MeisimSku {
  id: string;
  name: string;
  /** Per eSIM (supply) or per row (validator). */
  price: Money;
  carrier: string | null;
  planType: string | null;
}

export function toSkus(body: z.output<typeof skuListSchema>): MeisimSku[] {
  return body.skus.map((s) => ({
    id: s.id,
    name: s.name,
    price: { amountMinor: s.price_usd, currency: "USD" },
    carrier: s.carrier ?? null,
    planType: s.plan_type ?? null,
  }));
}

/** The envelope of `POST /services/<service>/execute`, around the service's own `result`. */
export function executeSchema<R extends z.ZodType>(result: R) {
  return z.object({
    usage_id: z.number().int(),
    vendor_order_ref: z.string(),
    cost_usd: usdMinor,
    status: z.string(),
    result,
  });
}
