import { abandonAttempt, attemptFailed, attemptSucceeded, beginAttempt, exchangeCounters } from "@/lib/auth/throttle";
import { decryptSecret, encryptSecret } from "@/lib/crypto/secrets";
import { getDb } from "@/lib/db/client";
import type { SyncAccount } from "@/lib/db/generated/client";
import { AppError } from "@/lib/errors";
import { autodiscoverEwsUrl } from "@/lib/providers/ews/autodiscover";
import { testEwsConnection, type ConnectionRefusal, type ConnectionResult } from "@/lib/providers/ews/connection-test";
import { openEwsCalendar, type EwsCalendar } from "@/lib/providers/ews/ews-calendar";
import { calendarFields, listWritable, pickCalendar } from "@/lib/sync-accounts/calendar-choice";
import type { WritableCalendar } from "@/lib/sync/provider";

export type EwsProvider = "OFFICE365" | "EXCHANGE";

export const PASSWORD_REJECTED_MESSAGE = "Password rejected — update it. The server refused the stored password, so syncs are stopped until you enter the current one.";

/** Refusals that are about the address rather than the login: shown under the Server field. */
const ADDRESS_REFUSALS = new Set<ConnectionRefusal>(["invalid-url", "insecure-scheme", "unreachable", "tls-untrusted", "not-ews"]);

/**
 * Tests the connection before anything is stored. Each user gets a few wrong passwords per window,
 * like sign-in, so this form cannot be used to guess passwords at someone's Exchange server.
 */
async function checkConnection(ownerId: string, login: string, password: string, serverUrl: string): Promise<Extract<ConnectionResult, { ok: true }>> {
  const attempt = await beginAttempt(exchangeCounters(ownerId));
  const result = await testEwsConnection({ login, password, serverUrl });
  if (result.ok) {
    await attemptSucceeded(attempt);
    return result;
  }
  if (result.reason === "credentials-rejected") {
    await attemptFailed(attempt);
    throw new AppError("wrong_credentials", result.message, { password: "The server did not accept this login and password." });
  }
  await abandonAttempt(attempt);
  throw new AppError("invalid_input", result.message, ADDRESS_REFUSALS.has(result.reason) ? { serverUrl: "Check this address (see above)." } : undefined);
}

const EWS_NAMES: Record<EwsProvider, string> = { OFFICE365: "Office.com", EXCHANGE: "MS Exchange" };

/**
 * One mailbox is connected once. Checked before any connection test or Autodiscover: a second
 * account can never be created, whatever the server would answer.
 */
async function assertMailboxFree(ownerId: string, provider: EwsProvider, login: string): Promise<void> {
  const db = await getDb();
  const taken = await db.syncAccount.findMany({
    where: { ownerId, provider: { in: provider === "OFFICE365" ? ["OFFICE365", "OFFICE365_GRAPH"] : [provider] }, login: { equals: login, mode: "insensitive" } },
    select: { provider: true, login: true },
  });
  // The same mailbox over Graph and over EWS would be two accounts importing every event twice.
  if (taken.some((account) => account.provider === "OFFICE365_GRAPH")) {
    throw new AppError(
      "conflict",
      `${login} is already connected with Sign in with Microsoft. Two connections to one mailbox would import every event twice: remove that account under Synchronization first if you want to connect with a password instead.`,
      { login: `${login} is already connected with Sign in with Microsoft.` },
    );
  }
  const existing = taken[0];
  if (!existing || existing.provider === "OFFICE365_GRAPH") return;
  const name = EWS_NAMES[existing.provider as EwsProvider];
  throw new AppError(
    "conflict",
    `This mailbox is already connected: your ${name} account ${existing.login} syncs it (see Settings → Synchronization). A second account would import every event twice, so nothing was added.`,
    { login: `Already connected as your ${name} account ${existing.login}.` },
  );
}

/**
 * created: the account exists. discovered: Autodiscover proposes a server address to confirm.
 * calendars: the mailbox has several calendars; Create again with the one chosen.
 */
export type CreateEwsOutcome = { created: string } | { discovered: string } | { calendars: WritableCalendar[] };

/**
 * Adds an Office.com or MS Exchange account once the server has accepted the login. An Exchange
 * account without a server address gets one proposed by Autodiscover, which the user confirms.
 */
export async function createEwsAccount(ownerId: string, provider: EwsProvider, input: { login: string; serverUrl: string; password: string; calendarId?: string | undefined }): Promise<CreateEwsOutcome> {
  const db = await getDb();
  if (!(await db.syncAccount.findFirst({ where: { ownerId, provider: "ATOLLON" }, select: { id: true } }))) {
    throw new AppError("invalid_input", "Create the Atollon account first (Settings → Synchronization, step 1).");
  }
  await assertMailboxFree(ownerId, provider, input.login);
  if (!input.serverUrl) {
    const override = process.env.EWS_AUTODISCOVER_URL;
    const attempt = await beginAttempt(exchangeCounters(ownerId));
    const found = await autodiscoverEwsUrl({ email: input.login, password: input.password, ...(override ? { candidates: [override] } : {}) });
    if (!found.ok && found.reason === "credentials-rejected") {
      await attemptFailed(attempt);
      throw new AppError("wrong_credentials", found.message, { password: "The server did not accept this login and password." });
    }
    await abandonAttempt(attempt);
    if (!found.ok) {
      // The message above the form says what happened; the field only says what to do there.
      const field: Record<string, string> = found.reason === "no-email-domain" ? { login: "Use the form user@domain, or enter the server." } : { serverUrl: "Enter the address your administrator gives you." };
      throw new AppError("invalid_input", found.message, field);
    }
    return { discovered: found.ewsUrl };
  }
  const result = await checkConnection(ownerId, input.login, input.password, input.serverUrl);
  const connection = { login: input.login, serverUrl: result.serverUrl, serverVersion: result.serverVersion, authScheme: result.authentication };
  // A server that lists no folders for now still gets its account, on the default calendar (as the
  // Google and Microsoft forms do when their listing fails); another can be chosen later.
  const calendars = await listWritable(await ewsRemote({ ...connection, secret: encryptSecret(input.password), remoteCalendarId: null }), EWS_NAMES[provider]).catch((error: unknown) => {
    if (!(error instanceof AppError)) throw error;
    console.warn(`[ews] user ${ownerId}: the calendars were not listed at Create (${error.message})`);
    return [];
  });
  // One calendar: nothing to choose. Several: the person chooses, the default preselected.
  if (!input.calendarId && calendars.length > 1) return { calendars };
  const chosen = pickCalendar(calendars, input.calendarId, EWS_NAMES[provider]) ?? calendars[0];
  const account = await db.syncAccount.create({
    data: { ownerId, provider, ...connection, secret: encryptSecret(input.password), ...(chosen ? calendarFields(chosen) : {}) },
  });
  return { created: account.id };
}

/**
 * A new password after a change at the server: tested first, then stored. The account keeps its
 * sync state (cursor and pairs), so nothing is imported twice, and a rejected password is cleared.
 */
export async function updateEwsPassword(ownerId: string, accountId: string, password: string): Promise<void> {
  const db = await getDb();
  const account = await db.syncAccount.findFirst({ where: { id: accountId, ownerId, provider: { in: ["OFFICE365", "EXCHANGE"] } } });
  if (!account?.serverUrl) throw new AppError("not_found", "This sync account no longer exists.");
  const result = await checkConnection(ownerId, account.login, password, account.serverUrl);
  const recovering = account.state === "PASSWORD_REJECTED" || account.state === "ERROR";
  await db.syncAccount.updateMany({
    where: { id: account.id, ownerId },
    data: {
      secret: encryptSecret(password),
      serverVersion: result.serverVersion,
      authScheme: result.authentication,
      ...(recovering ? { state: "ACTIVE", stateMessage: null } : {}),
    },
  });
}

/** The provider for one run of an Exchange account; the address is checked again, as DNS may have changed. */
export async function ewsRemote(account: Pick<SyncAccount, "login" | "serverUrl" | "secret" | "serverVersion" | "authScheme" | "remoteCalendarId">): Promise<EwsCalendar> {
  if (!account.serverUrl || !account.secret) throw new AppError("not_found", "This sync account has no server address or password.");
  return openEwsCalendar({
    serverUrl: account.serverUrl,
    login: account.login,
    password: decryptSecret(account.secret),
    ...(account.serverVersion ? { version: account.serverVersion } : {}),
    authentication: account.authScheme === "ntlm" ? "ntlm" : "basic",
    calendarFolderId: account.remoteCalendarId,
  });
}

/** "Check connection": the stored login and password against the server, now. A refused password stops syncs. */
export async function checkEwsConnection(ownerId: string, accountId: string): Promise<void> {
  const db = await getDb();
  const account = await db.syncAccount.findFirst({ where: { id: accountId, ownerId, provider: { in: ["OFFICE365", "EXCHANGE"] } } });
  if (!account?.serverUrl || !account.secret) throw new AppError("not_found", "This sync account no longer exists.");
  const result = await testEwsConnection({ login: account.login, password: decryptSecret(account.secret), serverUrl: account.serverUrl });
  if (result.ok) return;
  if (result.reason === "credentials-rejected") {
    await db.syncAccount.updateMany({ where: { id: account.id, ownerId }, data: { state: "PASSWORD_REJECTED", stateMessage: PASSWORD_REJECTED_MESSAGE } });
    throw new AppError("invalid_input", PASSWORD_REJECTED_MESSAGE);
  }
  throw new AppError("invalid_input", result.message);
}
