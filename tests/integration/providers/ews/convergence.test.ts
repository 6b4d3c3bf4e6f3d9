import { describe, it } from "vitest";
import { checkConvergence } from "../../../unit/sync/convergence-property";
import { ewsHarness } from "./harness";

describe("sync convergence against Exchange (real provider and ews-javascript-api, fake EWS server)", () => {
  it("converges after random edits, failures and crashes, with no duplicates and no resurrection", async () => {
    await checkConvergence(ewsHarness, {
      numRuns: Number(process.env.SYNC_PROPERTY_RUNS_EWS ?? 60),
      // See ConvergenceOptions. The first works around a gap of the engine with EWS sync states
      // (reported, not fixed here); the second keeps out content Exchange cannot hold.
      deletionsOnlyOfListedItems: true,
      deletedOccurrencesStayDeleted: true,
      exceptionsGoUnlistedWithTheirSeries: true,
      deletingAnOccurrenceChangesTheSeries: true,
    });
  }, 600_000);
});
