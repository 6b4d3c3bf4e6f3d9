// Runs once when a Next.js server process starts: check the configuration and bring the database
// up to date before the first request, and refuse to start when either fails.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServer } = await import("./lib/server/start");
  await startServer();
}
