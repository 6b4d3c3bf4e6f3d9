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
      examples: [
        // A person moves an occurrence, deletes it (an EXDATE on the master), then tries to move it again.
        [
          { kind: "create", side: "remote", recurring: true, allDay: false },
          { kind: "exception", side: "remote", pick: 0, cancel: false },
          { kind: "delete", side: "remote", pick: 9 },
          { kind: "exception", side: "remote", pick: 0, cancel: false },
        ],
      ],
      // A person deletes an occurrence as an EXDATE of its series (see caldav-person.ts), and no
      // calendar app offers to move an occurrence it has excluded (Radicale refuses such an
      // override with 400): a deleted occurrence stays deleted, as in Exchange.
      deletingAnOccurrenceChangesTheSeries: true,
      deletedOccurrencesStayDeleted: true,
    });
  }, 600_000);
});
