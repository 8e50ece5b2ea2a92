import { Badge } from "@/components/ui";
import type { OrderStatus } from "@/lib/generated/prisma/client";
import { statusLabel } from "@/lib/orders/lifecycle";

const tones: Record<OrderStatus, "neutral" | "good" | "warn" | "bad" | "info"> = {
  PENDING_PAYMENT: "warn",
  PAID: "info",
  FULFILLING: "info",
  FULFILLED: "good",
  PARTIALLY_FULFILLED: "warn",
  NEEDS_REVIEW: "warn",
  FULFILMENT_FAILED: "bad",
  CANCEL_PENDING: "info",
  CANCELLED: "neutral",
  EXPIRED: "neutral",
  REFUND_PENDING: "info",
  PARTIALLY_REFUNDED: "neutral",
  REFUNDED: "neutral",
};

export function OrderStatusBadge({ status }: { status: OrderStatus }) {
  return <Badge tone={tones[status]}>{statusLabel(status)}</Badge>;
}
