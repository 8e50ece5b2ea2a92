/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  experimental: {
    // `forbidden()` renders app/forbidden.tsx with HTTP 403.
    authInterrupts: true,
    // "use cache" + cacheTag for the prerendered catalog pages, without Cache
    // Components: under it a per-request page streams its shell first, so
    // notFound(), forbidden() and redirect() would answer 200 (docs/caching.md).
    useCache: true,
  },
  // `npm test` type-checks the whole tree with tsc after the build, route types included
  // (.next/types, written by the build); the build does not check them a second time.
  typescript: { ignoreBuildErrors: true },
  // Native/WASM and CLI packages stay out of the server bundle.
  serverExternalPackages: ["@electric-sql/pglite", "@electric-sql/pglite-socket", "pg", "pg-boss", "nodemailer", "pdf-lib"],
};

export default nextConfig;
