import { describe, it } from "vitest";
import { checkConvergence } from "../../../unit/sync/convergence-property";
import { ewsHarness } from "./harness";

describe("sync convergence against Exchange (real provider and ews-javascript-api, fake EWS server)", () => {
  it("converges after random edits, failures and crashes, with no duplicates and no resurrection", async () => {
    await checkConvergence(ewsHarness, {
      numRuns: Number(process.env.SYNC_PROPERTY_RUNS_EWS ?? 60),
      // What Exchange cannot do with occurrences, and what the engine does not carry yet when a
      // series deleted in Outlook comes back: see ConvergenceOptions.
      deletedOccurrencesStayDeleted: true,
      exceptionsGoUnlistedWithTheirSeries: true,
      deletingAnOccurrenceChangesTheSeries: true,
    });
  }, 600_000);
});
