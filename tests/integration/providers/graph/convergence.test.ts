import { describe, it } from "vitest";
import { checkConvergence } from "../../../unit/sync/convergence-property";
import { graphHarness } from "./harness";

describe("sync convergence against Office.com over Microsoft Graph (real provider, fake Graph server)", () => {
  it("converges after random edits, failures and crashes, with no duplicates and no resurrection", async () => {
    await checkConvergence(() => graphHarness(), {
      numRuns: Number(process.env.SYNC_PROPERTY_RUNS_GRAPH ?? 60),
      // Graph holds the same Exchange item as EWS: a deleted occurrence has no item any more and
      // cannot be brought back (no call restores it), and deleting one changes its series master.
      deletedOccurrencesStayDeleted: true,
      deletingAnOccurrenceChangesTheSeries: true,
      // Same cause: when Atollon's change of a series wins over an occurrence deleted in Outlook,
      // Outlook keeps the occurrence deleted, and Atollon learns so one run later.
      seriesChangesDoNotMeetOccurrenceDeletions: true,
    });
  }, 600_000);
});
