import { describe, it } from "vitest";
import { checkRulesConvergence } from "../../../unit/sync/rules-property";
import { graphHarness } from "./harness";

describe("sync convergence under rules against Office.com over Microsoft Graph (real provider, fake Graph server)", () => {
  it("holds exactly what random rules say, never touches an origin, duplicates or resurrects nothing, and ends idle", async () => {
    await checkRulesConvergence(() => graphHarness(), { numRuns: Number(process.env.SYNC_PROPERTY_RUNS_GRAPH ?? 30) });
  }, 600_000);
});
