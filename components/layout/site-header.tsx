import Link from "next/link";
import { Suspense } from "react";
import { AccountMenu } from "./account-menu";

/** The same for every visitor, so it can be prerendered; the account menu fills itself in. The layout passes its sign-out action in. */
export function SiteHeader({ signOutAction }: { signOutAction: () => Promise<void> }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <nav aria-label="Main" className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-1 px-4 py-2">
        <Link href="/" className="inline-flex min-h-11 items-center text-lg font-bold text-brand-900">
          Roam<span className="text-brand-600">SIM</span>
        </Link>
        <Link href="/destinations" className="inline-flex min-h-11 items-center text-sm text-slate-700 hover:text-slate-900">
          Destinations
        </Link>
        <Link href="/top-up" className="inline-flex min-h-11 items-center text-sm text-slate-700 hover:text-slate-900">
          Phone top-up
        </Link>
        <div className="ml-auto flex flex-wrap items-center gap-x-4 text-sm">
          <Suspense fallback={<div className="min-h-11" />}>
            <AccountMenu signOutAction={signOutAction} />
          </Suspense>
        </div>
      </nav>
    </header>
  );
}
