import { z } from "zod";
import { expireInThisServer } from "@/lib/catalog/cache";
import { env } from "@/lib/config/env";
import { isInternalRequest } from "@/lib/security/internal-token";

const BodySchema = z.object({ tags: z.array(z.string().min(1).max(200)).min(1).max(1000) });

/** POST /api/internal/catalog-cache {tags}: expires catalog tags for jobs and the launcher (see lib/catalog/cache.ts). */
export async function POST(req: Request): Promise<Response> {
  if (!isInternalRequest(req.headers.get("authorization"), env().AUTH_SECRET)) return new Response(null, { status: 404 });
  const body = BodySchema.safeParse(await req.json().catch(() => null));
  if (!body.success) return Response.json({ error: "tags: a list of cache tags is required" }, { status: 400 });
  expireInThisServer(body.data.tags);
  return Response.json({ expired: body.data.tags });
}
