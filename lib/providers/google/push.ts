import { google, type calendar_v3 } from "googleapis";

/**
 * Google Calendar push channels through `googleapis`: events.watch opens a channel that posts to
 * our webhook whenever the calendar's events change; channels.stop closes it. Channels never renew
 * themselves — a new one (with a new id) replaces an expiring one.
 */

export interface PushTarget {
  /** The Calendar API root, e.g. https://www.googleapis.com/ */
  apiUrl: string;
  accessToken: string;
}

export interface OpenedChannel {
  id: string;
  resourceId: string;
  expiresAt: Date;
}

/** Google refused a channel call or could not be reached; says which step and status, never a token. */
export class GooglePushError extends Error {
  constructor(
    readonly step: "watch" | "stop",
    readonly status: number | null,
    readonly reason: string | null,
  ) {
    super(`Google ${step === "watch" ? "events.watch" : "channels.stop"} failed: ${status === null ? "unreachable" : `status ${status}`}${reason ? ` (${reason})` : ""}`);
    this.name = "GooglePushError";
  }
}

function calendarApi(apiUrl: string): calendar_v3.Calendar {
  return google.calendar({ version: "v3", rootUrl: apiUrl.endsWith("/") ? apiUrl : `${apiUrl}/` });
}

function pushError(step: "watch" | "stop", error: unknown): GooglePushError {
  const response = (error as { response?: { status?: number; data?: { error?: { errors?: { reason?: string }[] } } } }).response;
  return new GooglePushError(step, response?.status ?? null, response?.data?.error?.errors?.[0]?.reason ?? null);
}

export async function watchCalendarEvents({
  apiUrl,
  accessToken,
  channelId,
  token,
  address,
  ttlSeconds,
  calendarId = "primary",
}: PushTarget & { channelId: string; token: string; address: string; ttlSeconds: number; calendarId?: string }): Promise<OpenedChannel> {
  let channel: calendar_v3.Schema$Channel;
  try {
    const response = await calendarApi(apiUrl).events.watch(
      { calendarId, requestBody: { id: channelId, type: "web_hook", address, token, params: { ttl: String(ttlSeconds) } } },
      { headers: { Authorization: `Bearer ${accessToken}` }, retry: false },
    );
    channel = response.data;
  } catch (error) {
    throw pushError("watch", error);
  }
  const expiration = Number(channel.expiration);
  if (channel.id !== channelId || !channel.resourceId || !Number.isFinite(expiration)) throw new GooglePushError("watch", 200, "unexpected answer");
  return { id: channelId, resourceId: channel.resourceId, expiresAt: new Date(expiration) };
}

/** Stops a channel; false when Google no longer knows it (expired or already stopped), which is just as good. */
export async function stopChannel({ apiUrl, accessToken, channelId, resourceId }: PushTarget & { channelId: string; resourceId: string }): Promise<boolean> {
  try {
    await calendarApi(apiUrl).channels.stop({ requestBody: { id: channelId, resourceId } }, { headers: { Authorization: `Bearer ${accessToken}` }, retry: false });
    return true;
  } catch (error) {
    const failure = pushError("stop", error);
    if (failure.status === 404) return false;
    throw failure;
  }
}
