import { abandonAttempt, attemptFailed, attemptSucceeded, beginAttempt, caldavCounters } from "@/lib/auth/throttle";
import { decryptSecret, encryptSecret } from "@/lib/crypto/secrets";
import { getDb } from "@/lib/db/client";
import type { SyncAccount } from "@/lib/db/generated/client";
import { AppError } from "@/lib/errors";
import { CalDavCalendar } from "@/lib/providers/caldav/caldav-calendar";
import { checkCalendar, discoverCalendars, type DiscoveredCalendar, type DiscoveryRefusal } from "@/lib/providers/caldav/discovery";
import { PASSWORD_REJECTED_MESSAGE } from "@/lib/sync-accounts/ews";
import type { RemoteCalendar } from "@/lib/sync/provider";

/** Refusals about the address rather than the login: shown under the Server field. */
const ADDRESS_REFUSALS = new Set<DiscoveryRefusal>(["invalid-url", "insecure-scheme", "unreachable", "tls-untrusted", "not-caldav"]);

export interface CalDavConnection {
  serverUrl: string;
  login: string;
  password: string;
}

/**
 * The calendars the server offers this login (the connection test). Each user gets a few wrong
 * passwords per window, like sign-in, so the form cannot be used to guess passwords at a server.
 */
export async function listCalDavCalendars(ownerId: string, { serverUrl, login, password }: CalDavConnection): Promise<DiscoveredCalendar[]> {
  const attempt = await beginAttempt(caldavCounters(ownerId));
  const result = await discoverCalendars({ serverUrl, login, password });
  if (result.ok) {
    await attemptSucceeded(attempt);
    return result.calendars;
  }
  if (result.reason === "credentials-rejected") {
    await attemptFailed(attempt);
    throw new AppError("wrong_credentials", result.message, { password: "The server did not accept this login and password." });
  }
  await abandonAttempt(attempt);
  throw new AppError("invalid_input", result.message, ADDRESS_REFUSALS.has(result.reason) ? { serverUrl: "Check this address (see above)." } : undefined);
}

/**
 * Adds the CalDAV account once the server has accepted the login and offered the calendar picked:
 * the list is asked for again, so only a calendar of this login can be connected.
 */
export async function createCalDavAccount(ownerId: string, input: CalDavConnection & { calendarUrl: string }): Promise<string> {
  const db = await getDb();
  if (!(await db.syncAccount.findFirst({ where: { ownerId, provider: "ATOLLON" }, select: { id: true } }))) {
    throw new AppError("invalid_input", "Create the Atollon account first (Settings → Synchronization, step 1).");
  }
  const existing = await db.syncAccount.findFirst({ where: { ownerId, provider: "CALDAV", login: { equals: input.login, mode: "insensitive" } }, select: { serverUrl: true } });
  if (existing) {
    const message = `${input.login} is already connected (${existing.serverUrl ?? "CalDAV"}). One login syncs one calendar: remove that account first to connect another calendar of it.`;
    throw new AppError("conflict", message, { login: `${input.login} is already connected.` });
  }
  const calendars = await listCalDavCalendars(ownerId, input);
  const chosen = calendars.find((calendar) => calendar.url === input.calendarUrl);
  if (!chosen) throw new AppError("invalid_input", "That calendar is not among this login's calendars any more. Test the connection again and pick one.", { calendarUrl: "Pick a calendar from the list." });
  const account = await db.syncAccount.create({
    data: { ownerId, provider: "CALDAV", login: input.login, serverUrl: chosen.url, secret: encryptSecret(input.password) },
  });
  return account.id;
}

async function findAccount(ownerId: string, accountId: string) {
  const db = await getDb();
  const account = await db.syncAccount.findFirst({ where: { id: accountId, ownerId, provider: "CALDAV" } });
  if (!account?.serverUrl || !account.secret) throw new AppError("not_found", "This sync account no longer exists.");
  return { db, account: account as typeof account & { serverUrl: string; secret: string } };
}

/** A new password after a change at the server (or a new app-specific password): tested, then stored; the sync state stays. */
export async function updateCalDavPassword(ownerId: string, accountId: string, password: string): Promise<void> {
  const { db, account } = await findAccount(ownerId, accountId);
  const attempt = await beginAttempt(caldavCounters(ownerId));
  const result = await checkCalendar({ calendarUrl: account.serverUrl, login: account.login, password });
  if (!result.ok && result.reason === "credentials-rejected") {
    await attemptFailed(attempt);
    throw new AppError("wrong_credentials", result.message, { password: "The server did not accept this password." });
  }
  if (!result.ok) {
    await abandonAttempt(attempt);
    throw new AppError("invalid_input", result.message);
  }
  await attemptSucceeded(attempt);
  const recovering = account.state === "PASSWORD_REJECTED" || account.state === "ERROR";
  await db.syncAccount.updateMany({ where: { id: account.id, ownerId }, data: { secret: encryptSecret(password), ...(recovering ? { state: "ACTIVE", stateMessage: null } : {}) } });
}

/** The provider for one run of a CalDAV account. */
export function caldavRemote(account: Pick<SyncAccount, "login" | "serverUrl" | "secret">): RemoteCalendar {
  if (!account.serverUrl || !account.secret) throw new AppError("not_found", "This sync account has no calendar address or password.");
  return new CalDavCalendar({ calendarUrl: account.serverUrl, login: account.login, password: decryptSecret(account.secret) });
}

/** "Check connection": the stored login against the calendar, now. A refused password stops syncs. */
export async function checkCalDavConnection(ownerId: string, accountId: string): Promise<void> {
  const { db, account } = await findAccount(ownerId, accountId);
  const result = await checkCalendar({ calendarUrl: account.serverUrl, login: account.login, password: decryptSecret(account.secret) });
  if (result.ok) return;
  if (result.reason === "credentials-rejected") {
    await db.syncAccount.updateMany({ where: { id: account.id, ownerId }, data: { state: "PASSWORD_REJECTED", stateMessage: PASSWORD_REJECTED_MESSAGE } });
    throw new AppError("invalid_input", PASSWORD_REJECTED_MESSAGE);
  }
  throw new AppError("invalid_input", result.message);
}
