import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "../db/client";
import { authOptions } from "./options";

export interface CurrentUser {
  id: string;
  email: string;
  name: string;
  timeZone: string;
  /** Chosen formats; null: from the browser. */
  locale: string | null;
  weekStart: number | null;
}

/**
 * The signed-in user, or null. A session issued before the latest password change is void: that
 * is how changing the password signs out every other browser.
 */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const session = await getServerSession(authOptions());
  if (!session?.user.id) return null;
  const db = await getDb();
  const user = await db.user.findUnique({
    where: { id: session.user.id },
    select: { id: true, email: true, name: true, timeZone: true, locale: true, weekStart: true, passwordVersion: true },
  });
  if (!user || user.passwordVersion !== session.passwordVersion) return null;
  return { id: user.id, email: user.email, name: user.name, timeZone: user.timeZone, locale: user.locale, weekStart: user.weekStart };
});

export async function requireUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect("/sign-in");
  return user;
}
