// Serves the production build (`next build` runs first, in `npm run test:e2e`) on a fresh embedded
// database, so every end-to-end run starts from an empty app.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";

const dataDir = path.resolve(process.env.E2E_DATA_DIR ?? ".data/e2e");
rmSync(dataDir, { recursive: true, force: true });

const child = spawn(path.resolve("node_modules/.bin/next"), ["start", "-p", process.env.PORT ?? "3100"], {
  stdio: "inherit",
  env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", PGLITE_DIR: "", AUTH_SECRET: "" },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
