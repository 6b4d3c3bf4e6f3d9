import { afterAll, beforeAll, describe, it } from "vitest";
import { checkConvergence } from "../../../unit/sync/convergence-property";
import { startRadicale, type Radicale } from "../../../helpers/radicale";
import { caldavHarness } from "./harness";

let server: Radicale;
beforeAll(async () => {
  server = await startRadicale();
});
afterAll(() => server?.stop());

describe("sync convergence against CalDAV (real provider, Radicale)", () => {
  it("converges after random edits, failures and crashes, with no duplicates and no resurrection", async () => {
    await checkConvergence(() => caldavHarness(server), {
      numRuns: Number(process.env.SYNC_PROPERTY_RUNS_CALDAV ?? 30),
      // A person deletes an occurrence as an EXDATE of its series (see caldav-person.ts).
      deletingAnOccurrenceChangesTheSeries: true,
    });
  }, 600_000);
});
