// Generates the Prisma client into lib/db/generated. Prisma's CLI downloads a native schema
// engine when it starts; `generate` never runs that engine, so pointing the CLI at any existing
// file lets generation work on machines that cannot download it.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
env.PRISMA_HIDE_UPDATE_MESSAGE = "1";
env.CHECKPOINT_DISABLE = "1";

const root = fileURLToPath(new URL("..", import.meta.url));
const result = spawnSync("npx", ["--no-install", "prisma", "generate", "--schema", "prisma/schema.prisma"], {
  cwd: root,
  env,
  stdio: "inherit",
});
process.exit(result.status ?? 1);
