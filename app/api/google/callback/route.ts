import { after, NextResponse, type NextRequest } from "next/server";
import { getCurrentUser } from "@/lib/auth/session";
import { appUrl } from "@/lib/config/env";
import { completeGoogleAuthorization } from "@/lib/sync-accounts/google";

/** Google's redirect back after "Receive Google token": verify, exchange, and return to the form. */
export async function GET(request: NextRequest) {
  const back = (path: string) => NextResponse.redirect(new URL(path, appUrl()), 303);
  const user = await getCurrentUser();
  if (!user) return back("/sign-in");
  const params = request.nextUrl.searchParams;
  const outcome = await completeGoogleAuthorization(user.id, { state: params.get("state"), code: params.get("code"), error: params.get("error") }, after);
  if (outcome.reauthorizedAccountId) return back("/settings/sync?notice=reauthorized");
  if (outcome.accountId) return back(`/settings/sync?failure=${outcome.failure ?? "state"}`);
  if (!outcome.flowId) return back(`/settings/sync/google?failure=${outcome.failure ?? "state"}`);
  return back(`/settings/sync/google?flow=${outcome.flowId}`);
}
