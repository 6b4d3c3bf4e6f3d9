import { NextResponse } from "next/server";
import { getCurrentUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { accountStatus } from "@/lib/sync-accounts/accounts";
import { accountIdSchema } from "@/lib/validations/sync-accounts";

/**
 * The account's state and the counts of a run in progress. A route rather than a server action:
 * the page polls it while "Sync now" waits, and server actions from one page run one at a time.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ accountId: string }> }) {
  const user = await getCurrentUser();
  if (!user) return NextResponse.json({ error: "Sign in again." }, { status: 401 });
  const parsed = accountIdSchema.safeParse(await params);
  if (!parsed.success) return NextResponse.json({ error: "No such account." }, { status: 404 });
  try {
    return NextResponse.json(await accountStatus(user.id, parsed.data.accountId), { headers: { "cache-control": "no-store" } });
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") return NextResponse.json({ error: error.message }, { status: 404 });
    throw error;
  }
}
