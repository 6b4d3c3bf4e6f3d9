import { encryptSecret } from "@/lib/crypto/secrets";
import { getDb } from "@/lib/db/client";
import { grantAtollonAccount } from "@/lib/sync-accounts/accounts";
import type { FakeGoogle } from "../fakes/google/server";
import { createTestUser } from "./users";

/** A new user with the Atollon calendar granted and one Google account on the fake, never synced yet. */
export async function userWithGoogle(google: FakeGoogle) {
  const user = await createTestUser();
  await grantAtollonAccount(user.id, user.password);
  const email = `google-${user.id.slice(0, 8)}@gmail.com`;
  const { refreshToken } = google.oauth.grant(email);
  const db = await getDb();
  const account = await db.syncAccount.create({ data: { ownerId: user.id, provider: "GOOGLE", login: email, secret: encryptSecret(refreshToken) } });
  return { user, email, accountId: account.id };
}

/** The account's newest run as its history records it. */
export async function lastRun(accountId: string) {
  const db = await getDb();
  return db.syncRun.findFirstOrThrow({ where: { accountId }, orderBy: { startedAt: "desc" } });
}
