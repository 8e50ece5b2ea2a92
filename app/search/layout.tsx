// Rendered per request, never prerendered: see docs/caching.md.
export const dynamic = "force-dynamic";

export default function PerRequestLayout({ children }: { children: React.ReactNode }) {
  return children;
}
