import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { checkCalDavConnection } from "@/lib/sync-accounts/caldav";
import { checkEwsConnection } from "@/lib/sync-accounts/ews";
import { checkGoogleConnection } from "@/lib/sync-accounts/google";
import { checkMicrosoftConnection } from "@/lib/sync-accounts/microsoft";

/** "Check connection" for any remote account: proves its stored credentials still work, or says what to do. */
export async function checkAccountConnection(ownerId: string, accountId: string): Promise<void> {
  const db = await getDb();
  const account = await db.syncAccount.findFirst({ where: { id: accountId, ownerId }, select: { provider: true } });
  if (!account || account.provider === "ATOLLON") throw new AppError("not_found", "This sync account no longer exists.");
  if (account.provider === "GOOGLE") await checkGoogleConnection(ownerId, accountId);
  else if (account.provider === "OFFICE365_GRAPH") await checkMicrosoftConnection(ownerId, accountId);
  else if (account.provider === "CALDAV") await checkCalDavConnection(ownerId, accountId);
  else await checkEwsConnection(ownerId, accountId);
}
