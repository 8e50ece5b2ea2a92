import { currentUser } from "@/lib/auth/session";
import { Role } from "@/lib/generated/prisma/client";

/**
 * GET /api/me: who is signed in, for the header's account menu. The header is
 * part of prerendered catalog pages, so it asks from the browser instead of
 * reading the session while rendering; private and never stored.
 */
export async function GET(): Promise<Response> {
  const user = await currentUser();
  const body = user ? { signedIn: true, name: user.name ?? user.email, isAdmin: user.role === Role.ADMIN } : { signedIn: false };
  return Response.json(body, { headers: { "cache-control": "private, no-store" } });
}
