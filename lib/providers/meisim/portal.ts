import { z } from "zod";
import { ProviderResponseError } from "../errors";
import { isRecord, looseList, pick } from "../loose";
import type { Money } from "../types";
import { moneyIn, text } from "./normalise";
import { usdMinor } from "./response";

/** Pieces both portal services (eSIM Supply, Validator) answer with. */

export interface MeisimSku {
  id: string;
  name: string | null;
  /** Per eSIM (supply) or per row (validator), when the list states it. */
  price: Money | null;
  carrier: string | null;
  planType: string | null;
}

/**
 * A service's SKU list. The document only says the ids come "from
 * /services/<service>/skus" and that the validator's price is "shown" there:
 * no shape, so it is read tolerantly (bare or wrapped list; id, name, price
 * under natural names).
 */
export function readSkus(body: unknown, where: string): MeisimSku[] {
  const list = looseList(body, ["skus", "items", "data", "results", "list", "products", "services"]);
  if (!list)
    throw new ProviderResponseError(
      "meisim",
      `${where} response: no SKU list found (looked for a bare list or skus, items, data, results)`,
      { body },
    );
  const skus = list.flatMap((entry): MeisimSku[] => {
    if (!isRecord(entry)) return [];
    const id = text(pick(entry, ["skuId", "sku_id", "id", "uuid", "sku", "code"]));
    if (!id) return [];
    const price =
      moneyIn([entry], {
        major: ["priceUsd", "price", "unitPrice", "costPerRow", "perRowUsd", "costUsd", "cost", "amount"],
        cents: ["priceCents", "unitPriceCents"],
      }) ?? null;
    return [
      {
        id,
        name: text(pick(entry, ["name", "title", "label", "description", "displayName"])) ?? null,
        price,
        carrier: text(pick(entry, ["carrier", "network", "operator"])) ?? null,
        planType: text(pick(entry, ["planType", "plan_type", "type"])) ?? null,
      },
    ];
  });
  if (list.length > 0 && skus.length === 0)
    throw new ProviderResponseError("meisim", `${where} response: no SKU has a readable id (looked for skuId, sku_id, id, uuid)`, { body });
  return skus;
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
