import { describe, it } from "vitest";
import { checkConvergence } from "./convergence-property";
import { memoryHarness } from "./remote-harness";

describe("sync convergence (in-memory remote)", () => {
  it("converges after random edits, failures and crashes, with no duplicates and no resurrection", async () => {
    let run = 0;
    // Every other case the remote reports deletions the way Exchange does, every third as Graph does (see MemoryRemote).
    await checkConvergence(async () => memoryHarness((run % 5) + 1, run % 2 === 1, run++ % 3 !== 2), { numRuns: Number(process.env.SYNC_PROPERTY_RUNS ?? 300) });
  });

  it("converges under \"Ask me\": open conflicts hold exactly their events, random settles and undos are carried out", async () => {
    let run = 0;
    await checkConvergence(async () => memoryHarness((run % 5) + 1, run % 2 === 1, run++ % 3 !== 2), { numRuns: Number(process.env.SYNC_PROPERTY_RUNS ?? 300), policy: "ask", minOps: 20 });
  });
});
