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
    await checkConvergence(async () => googleHarness(google), { numRuns: Number(process.env.SYNC_PROPERTY_RUNS_GOOGLE ?? 100) });
  }, 300_000);
});
