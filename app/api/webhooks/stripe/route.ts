import { receiveStripeWebhook } from "@/lib/billing/webhook";

export const dynamic = "force-dynamic";

export async function POST(req: Request): Promise<Response> {
  // The signature covers the exact bytes Stripe sent, so the body is read as text, never parsed and re-serialised.
  const reply = await receiveStripeWebhook(req);
  return Response.json(reply.body, { status: reply.status });
}
