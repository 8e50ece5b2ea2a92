import type { Metadata } from "next";
import type { ReactNode } from "react";
import { signOutAction } from "@/app/(auth)/actions";
import { SiteHeader } from "@/components/layout/site-header";
import { ToastProvider } from "@/components/ui/toast";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "RoamSIM — travel eSIM data plans", template: "%s · RoamSIM" },
  description: "Buy a travel eSIM for your destination and install it in minutes.",
};

// The same for every visitor: catalog pages below it are prerendered (see lib/catalog/cache.ts).
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:bg-white focus:p-2">
          Skip to content
        </a>
        <ToastProvider>
          <SiteHeader signOutAction={signOutAction} />
          <main id="main" className="mx-auto max-w-6xl px-4 py-8">
            {children}
          </main>
        </ToastProvider>
      </body>
    </html>
  );
}
