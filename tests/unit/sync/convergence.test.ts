import { describe, it } from "vitest";
import { checkConvergence } from "./convergence-property";
import { memoryHarness } from "./remote-harness";

describe("sync convergence (in-memory remote)", () => {
  it("converges after random edits, failures and crashes, with no duplicates and no resurrection", async () => {
    let pageSize = 0;
    await checkConvergence(async () => memoryHarness((pageSize++ % 5) + 1), { numRuns: Number(process.env.SYNC_PROPERTY_RUNS ?? 300) });
  });
});
