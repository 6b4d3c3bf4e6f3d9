import { describe, it } from "vitest";
import { checkConvergence } from "../../../unit/sync/convergence-property";
import { ewsHarness } from "./harness";

describe("sync convergence against Exchange (real provider and ews-javascript-api, fake EWS server)", () => {
  it("converges after random edits, failures and crashes, with no duplicates and no resurrection", async () => {
    await checkConvergence(ewsHarness, {
      numRuns: Number(process.env.SYNC_PROPERTY_RUNS_EWS ?? 60),
      examples: [
        // A series deleted in Outlook (its exceptions go with the master, unreported) while it was
        // changed in Atollon: the change wins, and the series comes back with its exceptions.
        [
          { kind: "create", side: "local", recurring: true, allDay: false },
          { kind: "exception", side: "local", pick: 0, cancel: false },
          { kind: "exception", side: "local", pick: 1, cancel: true },
          { kind: "sync", crashSide: null, crashAfter: 0, failWrites: 0, expire: false },
          { kind: "delete", side: "remote", pick: 0 },
          { kind: "edit", side: "local", pick: 0, field: "title", value: 1 },
        ],
        // The run that imports a series dies after the master, before its exception: the next run
        // must not take the master's known ChangeKey as vouching for an exception never imported.
        [
          { kind: "create", side: "remote", recurring: true, allDay: false },
          { kind: "exception", side: "remote", pick: 0, cancel: false },
          { kind: "sync", crashSide: "local", crashAfter: 1, failWrites: 0, expire: false },
          { kind: "sync", crashSide: null, crashAfter: 0, failWrites: 0, expire: false },
        ],
      ],
      // What Exchange cannot do with occurrences: see ConvergenceOptions.
      deletedOccurrencesStayDeleted: true,
      deletingAnOccurrenceChangesTheSeries: true,
    });
  }, 600_000);
});
