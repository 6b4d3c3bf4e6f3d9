import { NextResponse } from "next/server";
import { getCurrentUser } from "@/lib/auth/session";
import { accountsFingerprint } from "@/lib/sync-accounts/accounts";

/** A short value that changes whenever a run of the user's accounts starts or ends: the settings page polls it. */
export async function GET() {
  const user = await getCurrentUser();
  if (!user) return NextResponse.json({ error: "Sign in again." }, { status: 401 });
  return NextResponse.json({ fingerprint: await accountsFingerprint(user.id) }, { headers: { "cache-control": "no-store" } });
}
