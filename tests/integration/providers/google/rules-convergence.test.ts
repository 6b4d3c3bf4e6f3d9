import { afterAll, beforeAll, describe, it } from "vitest";
import { checkRulesConvergence } from "../../../unit/sync/rules-property";
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

describe("sync convergence under rules against Google (real provider, fake Calendar API)", () => {
  it("holds exactly what random rules say, never touches an origin, duplicates or resurrects nothing, and ends idle", async () => {
    await checkRulesConvergence(async () => googleHarness(google), { numRuns: Number(process.env.SYNC_PROPERTY_RUNS_GOOGLE ?? 40) });
  }, 300_000);
});
