import { getDb } from "../db/client";

/** The zone the calendar shows times in; events keep their own zones. */
export async function setTimeZone(userId: string, timeZone: string): Promise<void> {
  const db = await getDb();
  await db.user.update({ where: { id: userId }, data: { timeZone } });
}
