import { db } from "@/lib/db/client";

// Asks the database on every call.
export const dynamic = "force-dynamic";

export async function GET() {
  await db().$queryRaw`SELECT 1`;
  return Response.json({ ok: true });
}
