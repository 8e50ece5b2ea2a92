/** Runs once when the server starts, before the first request. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { exitOnInvalidConfig } = await import("./lib/config/startup-check");
  exitOnInvalidConfig();
  const { env } = await import("./lib/config/env");
  if (!env().JOBS_IN_PROCESS) return;
  // The web server works jobs too; `npm run worker` can add more workers on the same database.
  const { startStoreWorker } = await import("./lib/jobs/handlers");
  await startStoreWorker("web");
}
