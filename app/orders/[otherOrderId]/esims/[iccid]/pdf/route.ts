import { currentUser } from "@/lib/auth/session";
import { installPdf } from "@/lib/orders/install";
import { findOrderForUser } from "@/lib/orders/orders";
import { recordIdFrom } from "@/lib/validation";

export async function GET(_req: Request, { params }: { params: Promise<{ otherOrderId: string; iccid: string }> }) {
  const user = await currentUser();
  if (!user) return new Response("Sign in to download your eSIM.", { status: 401 });
  const raw = await params;
  const [otherOrderId, iccid] = [recordIdFrom(raw.otherOrderId), recordIdFrom(raw.iccid)];
  if (!otherOrderId || !iccid) return new Response("Not found", { status: 404 });
  const order = await findOrderForUser(user.id, otherOrderId);
  const esim = order?.esims.find((e) => e.iccid === iccid);
  if (!order || !esim) return new Response("Not found", { status: 404 });
  const pdf = await installPdf(esim, {
    planName: order.planName,
    destination: order.plan.destination.name,
    dataMb: order.plan.dataMb,
    days: order.plan.days,
    otherOrderId: order.otherOrderId,
  });
  return new Response(Buffer.from(pdf), {
    headers: {
      "content-type": "application/pdf",
      "content-disposition": `attachment; filename="esim-${iccid}.pdf"`,
      "cache-control": "private, no-store",
    },
  });
}
