import { currentUser } from "@/lib/auth/session";
import { ORDER_ACCESS_PARAM } from "@/lib/orders/guest-access";
import { installPdf } from "@/lib/orders/install";
import { isPhysical } from "@/lib/orders/lifecycle";
import { findOrderForViewer } from "@/lib/orders/orders";
import { recordIdFrom } from "@/lib/validation";

/** Signed in as the order's owner, or with the key of a guest order's link (`?key=`). */
export async function GET(req: Request, { params }: { params: Promise<{ otherOrderId: string; iccid: string }> }) {
  const accessKey = new URL(req.url).searchParams.get(ORDER_ACCESS_PARAM);
  const user = await currentUser();
  if (!user && !accessKey) return new Response("Sign in to download your eSIM.", { status: 401 });
  const raw = await params;
  const [otherOrderId, iccid] = [recordIdFrom(raw.otherOrderId), recordIdFrom(raw.iccid)];
  if (!otherOrderId || !iccid) return new Response("Not found", { status: 404 });
  const order = await findOrderForViewer({ userId: user?.id ?? null, accessKey }, otherOrderId);
  const esim = order?.esims.find((e) => e.iccid === iccid);
  // A physical SIM card has no QR code to print.
  if (!order || !esim || isPhysical(order)) return new Response("Not found", { status: 404 });
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
