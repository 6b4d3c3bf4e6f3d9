import { describe, it } from "vitest";
import { checkRulesConvergence } from "../../../unit/sync/rules-property";
import { ewsHarness } from "./harness";

describe("sync convergence under rules against Exchange (real provider and ews-javascript-api, fake EWS server)", () => {
  it("holds exactly what random rules say, never touches an origin, duplicates or resurrects nothing, and ends idle", async () => {
    await checkRulesConvergence(ewsHarness, { numRuns: Number(process.env.SYNC_PROPERTY_RUNS_EWS ?? 25) });
  }, 600_000);
});
