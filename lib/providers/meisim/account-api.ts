import { z } from "zod";
import type { Money } from "../types";
import { isoDateTime, usdMinor } from "./response";
import type { MeisimTransport } from "./transport";

const me = { method: "GET", path: "/api/v1/me", auth: "dealer", group: "read", idempotent: true } as const;
const orders = { method: "GET", path: "/api/v1/orders", auth: "dealer", group: "read", idempotent: true } as const;

const meSchema = z.object({ id: z.string(), company_name: z.string().nullish(), email: z.string(), status: z.string() });

const orderSchema = z.object({
  id: z.string(),
  order_type: z.string(),
  bundle_name: z.string().nullish(),
  customer_reference: z.string().nullish(),
  email_address: z.string().nullish(),
  iccid: z.string().nullish(),
  amount: usdMinor,
  status: z.string(),
  created_at: isoDateTime,
});

export interface MeisimDealer {
  id: string;
  companyName: string | null;
  email: string;
  /** "approved" when the account may order. */
  status: string;
}

/** One row of the dealer order history. */
export interface MeisimOrderRecord {
  id: string;
  /** "esim" or "topup". */
  type: string;
  bundleName: string | null;
  customerReference: string | null;
  emailAddress: string | null;
  iccid: string | null;
  amount: Money;
  /** e.g. "completed", "revoked". */
  status: string;
  createdAt: string;
}

/** How many orders GET /api/v1/orders returns at most. */
export const ORDER_HISTORY_WINDOW = 100;

export class MeisimAccountApi {
  constructor(private readonly http: MeisimTransport) {}

  async me(): Promise<MeisimDealer> {
    const body = await this.http.json(me, meSchema);
    return { id: body.id, companyName: body.company_name ?? null, email: body.email, status: body.status };
  }

  /**
   * The documented history: up to the last 100 orders (eSIM and top-up),
   * newest first. The only look-up MeiSIM documents; used after a lost order
   * answer, never before ordering.
   */
  async orders(): Promise<MeisimOrderRecord[]> {
    const rows = await this.http.json(orders, z.array(orderSchema));
    return rows.map((r) => ({
      id: r.id,
      type: r.order_type,
      bundleName: r.bundle_name ?? null,
      customerReference: r.customer_reference ?? null,
      emailAddress: r.email_address ?? null,
      iccid: r.iccid ?? null,
      amount: { amountMinor: r.amount, currency: "USD" },
      status: r.status,
      createdAt: r.created_at,
    }));
  }
}
