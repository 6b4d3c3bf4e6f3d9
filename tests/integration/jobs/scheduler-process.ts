// One app process's embedded scheduler for the two-process test: waits for "tick" on stdin (so
// both processes tick together), ticks once, lets its runs finish, prints what it claimed, exits.
import { closeDb, getDb } from "@/lib/db/client";
import { EmbeddedScheduler } from "@/lib/jobs/embedded-scheduler";

console.info = () => undefined;
await getDb();
const scheduler = new EmbeddedScheduler({ tickMs: 60_000, slots: 100 });
process.stdout.write("ready\n");
await new Promise<void>((resolve) => process.stdin.once("data", () => resolve()));
const claimed = await scheduler.tick();
await scheduler.idle();
await closeDb();
process.stdout.write(`${JSON.stringify({ claimed })}\n`);
process.exit(0);
