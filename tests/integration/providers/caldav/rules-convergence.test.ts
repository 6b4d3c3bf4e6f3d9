import { afterAll, beforeAll, describe, it } from "vitest";
import { checkRulesConvergence } from "../../../unit/sync/rules-property";
import { startRadicale, type Radicale } from "../../../helpers/radicale";
import { caldavHarness } from "./harness";

let server: Radicale;
beforeAll(async () => {
  server = await startRadicale();
});
afterAll(() => server?.stop());

describe("sync convergence under rules against CalDAV (real provider, Radicale)", () => {
  it("holds exactly what random rules say, never touches an origin, duplicates or resurrects nothing, and ends idle", async () => {
    await checkRulesConvergence(() => caldavHarness(server), { numRuns: Number(process.env.SYNC_PROPERTY_RUNS_CALDAV ?? 15) });
  }, 600_000);
});
