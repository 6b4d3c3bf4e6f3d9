import { requestAccountSync } from "@/lib/jobs/request";
import { verifyNotification } from "@/lib/sync-accounts/google-push";
import { admitSource, admitVerified, isGoogleChannelToken } from "@/lib/sync-accounts/webhook-guard";

const tooMany = () => new Response(null, { status: 429, headers: { "retry-after": "60" } });

/**
 * Google's push notifications for the watch channels of Google accounts. Google signs in as no one:
 * the channel id and its token are the only credentials. The token is signed by this app, so a
 * forged one is refused before any query; the rest are checked against the live channel (by hash).
 * Anything that is not a live channel of ours gets a bare 404; the body is always empty, as
 * Google's is, and never read.
 */
export async function POST(request: Request) {
  if (!admitSource(request)) return tooMany();
  const channelId = request.headers.get("x-goog-channel-id");
  const token = request.headers.get("x-goog-channel-token");
  if (!channelId || !token || !isGoogleChannelToken(channelId, token)) return new Response(null, { status: 404 });
  if (!admitVerified()) return tooMany();
  const accountId = await verifyNotification(channelId, token);
  if (!accountId) return new Response(null, { status: 404 });
  // The first message only confirms the channel; nothing changed yet.
  if (request.headers.get("x-goog-resource-state") !== "sync") await requestAccountSync(accountId);
  return new Response(null, { status: 200 });
}
