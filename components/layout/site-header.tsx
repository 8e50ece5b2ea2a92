import Link from "next/link";
import { Role, type User } from "@/lib/generated/prisma/client";

/** The layout passes its sign-out server action in. */
export function SiteHeader({ user, signOutAction }: { user: User | null; signOutAction: () => Promise<void> }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <nav aria-label="Main" className="mx-auto flex max-w-6xl items-center gap-6 px-4 py-3">
        <Link href="/" className="text-lg font-bold text-brand-900">
          Roam<span className="text-brand-600">SIM</span>
        </Link>
        <Link href="/destinations" className="text-sm text-slate-700 hover:text-slate-900">
          Destinations
        </Link>
        <div className="ml-auto flex items-center gap-4 text-sm">
          {user ? (
            <>
              <Link href="/account" className="text-slate-700 hover:text-slate-900">
                My eSIMs
              </Link>
              <Link href="/wallet" className="text-slate-700 hover:text-slate-900">
                Wallet
              </Link>
              {user.role === Role.ADMIN && (
                <Link href="/admin" className="text-slate-700 hover:text-slate-900">
                  Admin
                </Link>
              )}
              <form action={signOutAction}>
                <button type="submit" className="text-slate-700 hover:text-slate-900">
                  Sign out
                </button>
              </form>
            </>
          ) : (
            <>
              <Link href="/sign-in" className="text-slate-700 hover:text-slate-900">
                Sign in
              </Link>
              <Link href="/sign-up" className="rounded-md bg-brand-600 px-3 py-1.5 font-semibold text-white hover:bg-brand-700">
                Create account
              </Link>
            </>
          )}
        </div>
      </nav>
    </header>
  );
}
