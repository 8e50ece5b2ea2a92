/**
 * Physical SIM orders for the configured MIOeSIM distribution partner
 * (MIOESIM_DP_ID). An admin picks one of the partner's packages
 * (getDpSupportSkuInfo, then getPackages per SKU), a quantity and a reason;
 * the order goes into our order table like any other, is marked paid by
 * partner invoice (no Stripe, no wallet: the partner is billed outside the
 * store), and the usual order.fulfil job places it with `dpId` in the
 * addEsimOrder request, as the documents require. Its cards are plastic:
 * pages show their distribution status (dpStatus), never a QR code or LPA.
 */
import "server-only";
import { recordAudit, type RequestOrigin } from "../audit";
import { destinationSlug, planFields } from "../catalog/sync";
import { db } from "../db/client";
import { DestinationKind, OrderStatus, PaymentMethod, Prisma } from "../generated/prisma/client";
import { enqueue } from "../jobs";
import { log } from "../log";
import { configuredDpId } from "../admin/mioesim-tools";
import { describeProviderFailure } from "../providers/errors";
import { MIOESIM_MAX_QUANTITY, physicalPlans } from "../providers/mioesim";
import { mioesimClient, providerById } from "../providers/registry";
import type { ProviderPlan } from "../providers/types";
import { applyTransition } from "./lifecycle";
import { newOrderReference } from "./orders";

/** A refusal the admin form shows as it is; nothing was created. */
export class PhysicalOrderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PhysicalOrderError";
  }
}

export interface PhysicalOrderInput {
  /** "<skuId>:<priceId>", one of physicalSimPlans(). */
  planRef: string;
  quantity: number;
  /** Who the cards are for, kept as an order note. */
  customerEmail: string | null;
  note: string | null;
  reason: string;
  /** The form's one-time key (Order.requestKey). */
  requestKey: string;
}

export interface PhysicalOrderActor {
  actorId: string;
  origin?: RequestOrigin | null;
}

/** The packages the configured partner may order; throws PhysicalOrderError when there is none or MIOeSIM cannot say. */
export async function physicalSimPlans(): Promise<{ dpId: string; plans: ProviderPlan[] }> {
  const dpId = configuredDpId();
  if (!dpId) throw new PhysicalOrderError("No distribution partner is configured (MIOESIM_DP_ID=off).");
  try {
    return { dpId, plans: await physicalPlans(mioesimClient(), dpId) };
  } catch (err) {
    throw new PhysicalOrderError(`The products of distribution partner ${dpId} could not be read: ${describeProviderFailure(err)}`);
  }
}

/**
 * Creates the order (paid by partner invoice, audited with the actor and
 * reason) and queues its placement. A second send of the same form
 * (same requestKey) creates nothing and answers the first order's reference.
 */
export async function placePhysicalOrder(
  input: PhysicalOrderInput,
  actor: PhysicalOrderActor,
): Promise<{ otherOrderId: string; created: boolean }> {
  const earlier = await orderOfRequest(input.requestKey);
  if (earlier) return { otherOrderId: earlier, created: false };
  if (!Number.isInteger(input.quantity) || input.quantity < 1 || input.quantity > MIOESIM_MAX_QUANTITY) {
    throw new PhysicalOrderError(`Choose between 1 and ${MIOESIM_MAX_QUANTITY} SIM cards.`);
  }
  const { dpId, plans } = await physicalSimPlans();
  const plan = plans.find((p) => p.planRef === input.planRef);
  if (!plan) throw new PhysicalOrderError(`Package ${input.planRef} is not a product of distribution partner ${dpId}.`);
  const availability = await providerById("mioesim").checkAvailability(plan.planRef, input.quantity);
  if (!availability.available) {
    throw new PhysicalOrderError(
      `MIOeSIM cannot supply ${input.quantity} × ${plan.name} now: ${availability.detail ?? availability.reason}.`,
    );
  }

  let otherOrderId: string;
  try {
    otherOrderId = await db().$transaction((tx) => createPaidOrder(tx, input, actor, dpId, plan));
  } catch (err) {
    // The same form sent twice at once: the first send's order stands.
    const raced = err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002" && (await orderOfRequest(input.requestKey));
    if (raced) return { otherOrderId: raced, created: false };
    throw err;
  }
  // If this enqueue is lost, the stranded-order sweep queues the paid order.
  await enqueue("order.fulfil", { otherOrderId }).catch((error: unknown) =>
    log.error("could not queue the physical SIM order; the sweep will", { otherOrderId, error }),
  );
  log.info("physical SIM order created", { otherOrderId, dpId, planRef: plan.planRef, quantity: input.quantity });
  return { otherOrderId, created: true };
}

async function orderOfRequest(requestKey: string): Promise<string | null> {
  const found = await db().order.findUnique({ where: { requestKey }, select: { otherOrderId: true } });
  return found?.otherOrderId ?? null;
}

async function createPaidOrder(
  tx: Prisma.TransactionClient,
  input: PhysicalOrderInput,
  actor: PhysicalOrderActor,
  dpId: string,
  plan: ProviderPlan,
): Promise<string> {
  const catalogPlan = await recordPhysicalPlan(tx, plan);
  const amountMinor = plan.wholesale.amountMinor * input.quantity;
  const order = await tx.order.create({
    data: {
      otherOrderId: newOrderReference(),
      userId: actor.actorId,
      planId: catalogPlan.id,
      provider: "mioesim",
      planRef: plan.planRef,
      planName: plan.name,
      amountMinor,
      currency: plan.wholesale.currency,
      quantity: input.quantity,
      paymentMethod: PaymentMethod.PARTNER_INVOICE,
      status: OrderStatus.PENDING_PAYMENT,
      dpId,
      requestKey: input.requestKey,
    },
  });
  const { otherOrderId } = order;
  const details = {
    reason: input.reason,
    dpId,
    planRef: plan.planRef,
    quantity: input.quantity,
    amountMinor,
    currency: order.currency,
    customerEmail: input.customerEmail,
  };
  await recordAudit(
    {
      actorId: actor.actorId,
      action: "order.physical_created",
      entityType: "Order",
      entityId: otherOrderId,
      details,
      origin: actor.origin,
    },
    tx,
  );
  const note = [
    `Physical SIM order for distribution partner ${dpId}. Reason: ${input.reason}`,
    input.customerEmail && `Customer: ${input.customerEmail}`,
    input.note && `Note: ${input.note}`,
  ].filter(Boolean);
  await tx.orderNote.create({ data: { orderId: otherOrderId, authorId: actor.actorId, body: note.join("\n") } });
  await applyTransition(
    otherOrderId,
    "paid",
    {
      actorId: actor.actorId,
      data: { paidAt: new Date() },
      details: { method: PaymentMethod.PARTNER_INVOICE, amountMinor, currency: order.currency, reason: input.reason },
      origin: actor.origin,
    },
    tx,
  );
  return otherOrderId;
}

/**
 * Orders point at a catalog plan, so the partner's package gets one, off
 * sale and marked withdrawn: the catalog sync (which lists getSkus, where
 * physical SKUs are not) never puts it on the storefront. An existing row
 * is left as the sync or an admin made it.
 */
async function recordPhysicalPlan(tx: Prisma.TransactionClient, plan: ProviderPlan) {
  const slug = destinationSlug(plan.destination);
  await tx.destination.createMany({
    data: [
      {
        slug,
        name: plan.destination.name,
        kind: plan.destination.kind === "country" ? DestinationKind.COUNTRY : DestinationKind.REGION,
        countryCodes: plan.destination.countryCodes,
      },
    ],
    skipDuplicates: true,
  });
  return tx.plan.upsert({
    where: { provider_planRef: { provider: "mioesim", planRef: plan.planRef } },
    create: {
      ...planFields(plan, slug),
      provider: "mioesim",
      planRef: plan.planRef,
      priceMinor: plan.wholesale.amountMinor,
      active: false,
      withdrawnByAdmin: true,
      syncedAt: new Date(),
    },
    update: {},
  });
}

/** What a card's dpStatus (mioesim-sim-types-and-iccid, "Card status values") means, for people. */
export function distributionStatusText(dpStatus: string | null): string {
  switch (dpStatus?.trim().toUpperCase()) {
    case undefined:
    case "":
      return "Not reported yet (with the distribution partner)";
    case "ACTIVE":
      return "Active: the plan is running";
    case "ENABLE":
      return "Enabled: plan not started yet";
    case "DISABLE":
      return "Disabled: not in use";
    case "DELETE":
      return "Deleted: can no longer be activated";
    default:
      return dpStatus!;
  }
}
