import { Badge } from "@/components/ui";
import type { OrderStatus } from "@/lib/generated/prisma/client";

const labels: Record<OrderStatus, { text: string; tone: "neutral" | "good" | "warn" | "bad" | "info" }> = {
  PENDING_PAYMENT: { text: "Awaiting payment", tone: "warn" },
  PAID: { text: "Paid, setting up", tone: "info" },
  FULFILLING: { text: "Setting up", tone: "info" },
  FULFILLED: { text: "Ready to install", tone: "good" },
  FULFILMENT_FAILED: { text: "Delayed: we’re on it", tone: "bad" },
  CANCELLED: { text: "Cancelled", tone: "neutral" },
  REFUNDED: { text: "Refunded", tone: "neutral" },
};

export function OrderStatusBadge({ status }: { status: OrderStatus }) {
  const { text, tone } = labels[status];
  return <Badge tone={tone}>{text}</Badge>;
}
