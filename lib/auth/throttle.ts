import { getDb } from "../db/client";
import { AppError } from "../errors";

/**
 * Slows password guessing without handing anyone a way to lock a user out (OWASP's authentication
 * guidance). Each counter counts the failures of one key within the window; the first `free` cost
 * nothing, then every further attempt waits twice as long as the one before (1 s, 2 s, 4 s, … up to
 * the window) after the latest failure. Nothing blocks for good: a counter only ever asks for a wait.
 * An attempt is written down *before* the password is checked and removed when it succeeds or is
 * refused, so a burst of parallel guesses sees itself and cannot all pass the check at once.
 */

export const THROTTLE_POLICY = {
  windowMs: 15 * 60 * 1000,
  firstDelayMs: 1000,
  /** Guesses at one account from one address (or, behind no trusted proxy, from anywhere). */
  pairFree: 5,
  /** Guesses at one account from every source together: what rotating addresses runs into. Known devices skip it. */
  accountFree: 10,
  /** Failures from one address across all accounts: high, since an office or a carrier NAT is one address. Known devices skip it. */
  addressFree: 100,
  /** Guesses from a browser that signed in to the account before (its device cookie). */
  deviceFree: 5,
  /** Password confirmations of a signed-in user (the Atollon step, change password): apart from sign-in. */
  reauthFree: 5,
};

export interface Counter {
  key: string;
  free: number;
}

const normalise = (email: string) => email.trim().toLowerCase();

/** The counters of one sign-in attempt: a known device answers only for itself. */
export function signInCounters({ email, ip, device }: { email: string; ip: string | null; device: string | null }): Counter[] {
  const account = normalise(email);
  if (device) return [{ key: `device:${account}:${device}`, free: THROTTLE_POLICY.deviceFree }];
  return [
    { key: `pair:${account}:${ip ?? "-"}`, free: THROTTLE_POLICY.pairFree },
    { key: `account:${account}`, free: THROTTLE_POLICY.accountFree },
    ...(ip ? [{ key: `ip:${ip}`, free: THROTTLE_POLICY.addressFree }] : []),
  ];
}

/** A signed-in user confirming their password (Atollon step, change password). */
export const reauthCounters = (userId: string): Counter[] => [{ key: `reauth:${userId}`, free: THROTTLE_POLICY.reauthFree }];

/** Passwords tried against someone's Exchange server from this app, per app user. */
export const exchangeCounters = (userId: string): Counter[] => [{ key: `ews:${userId}`, free: THROTTLE_POLICY.reauthFree }];
/** Passwords tried at a CalDAV server through the add and update forms, like Exchange's. */
export const caldavCounters = (userId: string): Counter[] => [{ key: `caldav:${userId}`, free: THROTTLE_POLICY.reauthFree }];

export function delayAfter(failures: number, free: number): number {
  if (failures < free) return 0;
  return Math.min(THROTTLE_POLICY.windowMs, THROTTLE_POLICY.firstDelayMs * 2 ** Math.min(30, failures - free));
}

function waitMessage(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 120) return `Too many attempts. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`;
  return `Too many attempts. Try again in ${Math.ceil(seconds / 60)} minutes.`;
}

export interface Attempt {
  ids: bigint[];
  counters: Counter[];
}

/**
 * Writes the attempt down and lets it through, or removes it and throws `rate_limited` with how long
 * to wait — the same for an account that does not exist, so the answer reveals nothing.
 */
export async function beginAttempt(counters: Counter[], now = new Date()): Promise<Attempt> {
  const db = await getDb();
  const rows = await db.authAttempt.createManyAndReturn({ data: counters.map(({ key }) => ({ key, createdAt: now })), select: { id: true, key: true } });
  const since = new Date(now.getTime() - THROTTLE_POLICY.windowMs);
  let wait = 0;
  for (const [index, counter] of counters.entries()) {
    const mine = rows[index]?.id;
    if (mine === undefined) continue;
    const earlier = { key: counter.key, createdAt: { gt: since }, id: { lt: mine } };
    const failures = await db.authAttempt.count({ where: earlier });
    const delay = delayAfter(failures, counter.free);
    if (delay === 0) continue;
    const latest = await db.authAttempt.findFirst({ where: earlier, orderBy: { id: "desc" }, select: { createdAt: true } });
    if (latest) wait = Math.max(wait, latest.createdAt.getTime() + delay - now.getTime());
  }
  const attempt = { ids: rows.map((row) => row.id), counters };
  if (wait > 0) {
    await abandonAttempt(attempt);
    throw new AppError("rate_limited", waitMessage(wait));
  }
  return attempt;
}

/**
 * The password was right: this attempt was no failure, and the source's own earlier failures are
 * forgotten (the first counter is always the source's own). What other sources did stays counted.
 */
export async function attemptSucceeded(attempt: Attempt): Promise<void> {
  const db = await getDb();
  const own = attempt.counters[0]?.key;
  await db.authAttempt.deleteMany({ where: { OR: [{ id: { in: attempt.ids } }, ...(own ? [{ key: own }] : [])] } });
}

/** The password was wrong: the attempt stays as a failure; rows past the window are trimmed. */
export async function attemptFailed(attempt: Attempt, now = new Date()): Promise<void> {
  const db = await getDb();
  await db.authAttempt.deleteMany({
    where: { key: { in: attempt.counters.map((counter) => counter.key) }, createdAt: { lt: new Date(now.getTime() - THROTTLE_POLICY.windowMs) } },
  });
}

/** Neither right nor wrong (the server to check against could not be reached): not a guess. */
export async function abandonAttempt(attempt: Attempt): Promise<void> {
  const db = await getDb();
  await db.authAttempt.deleteMany({ where: { id: { in: attempt.ids } } });
}
