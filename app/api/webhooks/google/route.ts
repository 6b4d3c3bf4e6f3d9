import { requestAccountSync } from "@/lib/jobs/request";
import { verifyNotification } from "@/lib/sync-accounts/google-push";

/**
 * Google's push notifications for the watch channels of Google accounts. Google signs in as no one:
 * the channel id and its token (compared by hash) are the only credentials. Anything that is not
 * a live channel of ours gets a bare 404; the body is always empty, as Google's is.
 */
export async function POST(request: Request) {
  const accountId = await verifyNotification(request.headers.get("x-goog-channel-id"), request.headers.get("x-goog-channel-token"));
  if (!accountId) return new Response(null, { status: 404 });
  // The first message only confirms the channel; nothing changed yet.
  if (request.headers.get("x-goog-resource-state") !== "sync") await requestAccountSync(accountId);
  return new Response(null, { status: 200 });
}
