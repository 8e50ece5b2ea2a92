import { db } from "@/lib/db/client";

export async function GET() {
  await db().$queryRaw`SELECT 1`;
  return Response.json({ ok: true });
}
