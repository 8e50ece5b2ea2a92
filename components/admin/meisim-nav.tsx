import Link from "next/link";

const LINKS = [
  ["", "Dealer wallet"],
  ["/verification", "eSIM verification"],
  ["/supply", "eSIM Supply"],
  ["/validator", "Validator"],
  ["/topups", "SIM top-ups"],
  ["/dealer-products", "Dealer products"],
  ["/account", "Dealer key & login"],
] as const;

/** The MeiSIM tools' own menu, under /admin/providers/meisim. */
export function MeisimNav() {
  return (
    <nav aria-label="MeiSIM tools" className="flex flex-wrap gap-3 text-sm">
      {LINKS.map(([path, label]) => (
        <Link key={path} href={`/admin/providers/meisim${path}`} className="text-sky-700 underline">
          {label}
        </Link>
      ))}
    </nav>
  );
}
