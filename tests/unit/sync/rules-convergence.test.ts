import { describe, it } from "vitest";
import { memoryHarness } from "./remote-harness";
import { checkRulesConvergence } from "./rules-property";

describe("sync convergence under rules (in-memory remote)", () => {
  it("holds exactly what random rules say, never touches an origin, duplicates or resurrects nothing, and ends idle", async () => {
    let run = 0;
    await checkRulesConvergence(async () => memoryHarness((run % 4) + 1, run++ % 2 === 1), { numRuns: Number(process.env.SYNC_PROPERTY_RUNS ?? 200) });
  });
});
