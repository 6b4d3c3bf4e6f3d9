import { getDb } from "../db/client";
import { AppError } from "../errors";

/** Failed attempts allowed per key within the window; then every attempt is refused until it passes. */
export const THROTTLE_LIMITS = {
  windowMs: 15 * 60 * 1000,
  perAccount: 5,
  perIp: 20,
};

export function accountKey(email: string): string {
  return `account:${email.trim().toLowerCase()}`;
}

export function ipKey(ip: string): string {
  return `ip:${ip}`;
}

interface ThrottleKeys {
  account: string;
  ip?: string | null;
}

/** Throws `rate_limited` when either key has used up its failures in the current window. */
export async function assertNotThrottled({ account, ip }: ThrottleKeys, now = new Date()): Promise<void> {
  const db = await getDb();
  const since = new Date(now.getTime() - THROTTLE_LIMITS.windowMs);
  const checks: Array<[string, number]> = [[account, THROTTLE_LIMITS.perAccount]];
  if (ip) checks.push([ip, THROTTLE_LIMITS.perIp]);
  for (const [key, limit] of checks) {
    const failures = await db.authAttempt.findMany({
      where: { key, createdAt: { gt: since } },
      orderBy: { createdAt: "asc" },
      select: { createdAt: true },
      take: limit,
    });
    const oldest = failures[0];
    if (failures.length >= limit && oldest) {
      const retryAt = oldest.createdAt.getTime() + THROTTLE_LIMITS.windowMs;
      const minutes = Math.max(1, Math.ceil((retryAt - now.getTime()) / 60_000));
      throw new AppError(
        "rate_limited",
        `Too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
      );
    }
  }
}

export async function recordFailure({ account, ip }: ThrottleKeys): Promise<void> {
  const db = await getDb();
  const keys = ip ? [account, ip] : [account];
  await db.authAttempt.createMany({ data: keys.map((key) => ({ key })) });
  // Old rows are useless; trimming here keeps the table at a window's worth of failures.
  await db.authAttempt.deleteMany({
    where: { key: { in: keys }, createdAt: { lt: new Date(Date.now() - THROTTLE_LIMITS.windowMs) } },
  });
}

export async function clearFailures(account: string): Promise<void> {
  const db = await getDb();
  await db.authAttempt.deleteMany({ where: { key: account } });
}
