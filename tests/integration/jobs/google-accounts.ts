// A fake Google for the whole test file, and users with an Atollon grant and Google accounts on it.
import { afterAll, beforeAll, vi } from "vitest";
import { encryptSecret } from "@/lib/crypto/secrets";
import { getDb } from "@/lib/db/client";
import { grantAtollonAccount } from "@/lib/sync-accounts/accounts";
import { FAKE_CLIENT } from "../../fakes/google/accounts";
import { startFakeGoogle, type FakeGoogle } from "../../fakes/google/server";
import { createTestUser } from "../../helpers/users";

/** Starts the fake before the file's tests (with the file's database migrated) and stops it after; quiet run logs. */
export function fakeGoogleForFile(env: Record<string, string> = {}): () => FakeGoogle {
  let google: FakeGoogle | null = null;
  beforeAll(async () => {
    await getDb();
    google = await startFakeGoogle({ ...FAKE_CLIENT, redirectUris: [], accounts: [] });
    Object.assign(process.env, google.env(), env);
    vi.spyOn(console, "info").mockImplementation(() => undefined);
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await google?.close();
  });
  return () => {
    if (!google) throw new Error("The fake Google starts in beforeAll.");
    return google;
  };
}

export async function userWithGoogle(google: FakeGoogle, accounts = 1) {
  const user = await createTestUser();
  await grantAtollonAccount(user.id, user.password);
  const db = await getDb();
  const emails = Array.from({ length: accounts }, (_, index) => `g${index}-${user.id.slice(0, 8)}@gmail.com`);
  const accountIds: string[] = [];
  for (const email of emails) {
    const { refreshToken } = google.oauth.grant(email);
    accountIds.push((await db.syncAccount.create({ data: { ownerId: user.id, provider: "GOOGLE", login: email, secret: encryptSecret(refreshToken) } })).id);
  }
  return { user, accountIds, emails };
}
