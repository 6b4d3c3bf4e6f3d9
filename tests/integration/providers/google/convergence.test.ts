import { afterAll, beforeAll, describe, it } from "vitest";
import { checkConvergence } from "../../../unit/sync/convergence-property";
import { FAKE_CLIENT } from "../../../fakes/google/accounts";
import { startFakeGoogle, type FakeGoogle } from "../../../fakes/google/server";
import { googleHarness } from "./harness";

let google: FakeGoogle;

beforeAll(async () => {
  google = await startFakeGoogle({ ...FAKE_CLIENT, redirectUris: [], accounts: [] });
});

afterAll(async () => {
  await google.close();
});

describe("sync convergence against Google (real provider, fake Calendar API)", () => {
  it("converges after random edits, failures and crashes, with no duplicates and no resurrection", async () => {
    await checkConvergence(async () => googleHarness(google), {
      numRuns: Number(process.env.SYNC_PROPERTY_RUNS_GOOGLE ?? 100),
      examples: [
        // Found by CI: a series deleted in Google while one of its occurrences was changed here.
        // The occurrence goes with its series; it used to be written back as an orphan instance.
        [
          { kind: "create", side: "remote", recurring: true, allDay: false },
          { kind: "exception", side: "remote", pick: 0, cancel: false },
          { kind: "sync", crashSide: null, crashAfter: 0, failWrites: 0, expire: false },
          { kind: "delete", side: "remote", pick: 0 },
          { kind: "edit", side: "local", pick: 1089404529, field: "title", value: 0 },
        ],
      ],
    });
  }, 300_000);
});
