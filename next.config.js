/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // `forbidden()` renders app/forbidden.tsx with HTTP 403.
  experimental: { authInterrupts: true },
  // Native/WASM and CLI packages stay out of the server bundle.
  serverExternalPackages: ["@electric-sql/pglite", "@electric-sql/pglite-socket", "pg", "pg-boss", "nodemailer", "pdf-lib"],
};

export default nextConfig;
