"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";

type Me = { signedIn: false } | { signedIn: true; name: string; isAdmin: boolean };

const linkClass = "inline-flex min-h-11 items-center text-slate-700 hover:text-slate-900";

/**
 * The signed-in part of the header, asked of /api/me from the browser so the
 * pages around it can be prerendered and shared. It asks again on every
 * navigation, so signing in or out shows at once.
 */
export function AccountMenu({ signOutAction }: { signOutAction: () => Promise<void> }) {
  const pathname = usePathname();
  const [me, setMe] = useState<Me | null>(null);
  useEffect(() => {
    const request = new AbortController();
    fetch("/api/me", { cache: "no-store", signal: request.signal })
      .then((res) => (res.ok ? (res.json() as Promise<Me>) : null))
      .then((answer) => answer && setMe(answer))
      .catch(() => {});
    return () => request.abort();
  }, [pathname]);

  // Until the answer comes, nothing: a wrong guess would flash the other menu.
  if (!me) return <div className="min-h-11" aria-busy="true" />;
  if (!me.signedIn) {
    return (
      <>
        <Link href="/sign-in" className={linkClass}>
          Sign in
        </Link>
        <Link
          href="/sign-up"
          className="inline-flex min-h-11 items-center rounded-md bg-brand-600 px-3 font-semibold text-white hover:bg-brand-700"
        >
          Create account
        </Link>
      </>
    );
  }
  return (
    <>
      <Link href="/esims" className={linkClass}>
        My eSIMs
      </Link>
      <Link href="/account" className={linkClass}>
        Account
      </Link>
      <Link href="/wallet" className={linkClass}>
        Wallet
      </Link>
      {me.isAdmin && (
        <Link href="/admin" className={linkClass}>
          Admin
        </Link>
      )}
      <form action={signOutAction}>
        <button type="submit" className={linkClass}>
          Sign out
        </button>
      </form>
    </>
  );
}
