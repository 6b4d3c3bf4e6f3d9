import { after, NextResponse, type NextRequest } from "next/server";
import { getCurrentUser } from "@/lib/auth/session";
import { appUrl } from "@/lib/config/env";
import { completeMicrosoftAuthorization } from "@/lib/sync-accounts/microsoft";

/** Microsoft's redirect back after "Sign in with Microsoft": verify, exchange, and return to the form. */
export async function GET(request: NextRequest) {
  const back = (path: string) => NextResponse.redirect(new URL(path, appUrl()), 303);
  const user = await getCurrentUser();
  if (!user) return back("/sign-in");
  const params = request.nextUrl.searchParams;
  const outcome = await completeMicrosoftAuthorization(user.id, {
    state: params.get("state"),
    code: params.get("code"),
    error: params.get("error"),
    errorDescription: params.get("error_description"),
  }, after);
  if (outcome.reauthorizedAccountId) return back("/settings/sync?notice=reauthorized-microsoft");
  if (outcome.accountId) return back(`/settings/sync?microsoft=${outcome.failure ?? "state"}`);
  if (!outcome.flowId) return back(`/settings/sync/office?failure=${outcome.failure ?? "state"}`);
  return back(`/settings/sync/office?flow=${outcome.flowId}`);
}
