import { escapeXml } from "@/lib/providers/ews/xml";
import { guardServerUrl, type GuardOptions } from "@/lib/providers/ews/url-guard";
import { ntlmWord, offeredScheme, sendWithNtlm } from "@/lib/providers/ews/ntlm";
import { outboundRequest as send, OutboundError, type OutboundAnswer as HttpAnswer } from "@/lib/net/outbound";

export type ConnectionRefusal =
  | "invalid-url"
  | "insecure-scheme"
  | "unreachable"
  | "tls-untrusted"
  | "credentials-rejected"
  | "unsupported-authentication"
  | "not-ews"
  | "calendar-not-found";

export type ConnectionResult =
  | { ok: true; serverUrl: string; serverVersion: string | null; calendarFolderId: string; authentication: "basic" | "ntlm" }
  | { ok: false; reason: ConnectionRefusal; message: string };

export interface TestEwsConnectionInput extends GuardOptions {
  login: string;
  password: string;
  serverUrl: string;
  timeoutMs?: number;
  maxBytes?: number;
}

const ENVELOPE = (version: string, body: string) =>
  `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><soap:Header><t:RequestServerVersion Version="${escapeXml(version)}"/></soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`;

// Exchange2007_SP1 is understood by every server from 2007 SP1 to Online; the answer's
// ServerVersionInfo then tells which version later requests may ask for.
const GET_CALENDAR = ENVELOPE(
  "Exchange2007_SP1",
  `<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="calendar"/></m:FolderIds></m:GetFolder>`,
);

const isOffice365 = (url: URL) => /(^|\.)outlook\.office365\.com$|(^|\.)outlook\.office\.com$/i.test(url.hostname);

/** Authenticates, finds the calendar folder and reads the server version; refuses with a typed reason. */
export async function testEwsConnection({ login, password, serverUrl, timeoutMs = 20_000, maxBytes, ...guard }: TestEwsConnectionInput): Promise<ConnectionResult> {
  const checked = await guardServerUrl(serverUrl, guard);
  if (!checked.ok) return checked;
  const { url } = checked;
  let answer: HttpAnswer;
  let authentication: "basic" | "ntlm" = "basic";
  const request = { url: checked.url, policy: checked.policy, timeoutMs, ...(maxBytes ? { maxBytes } : {}), headers: { "Content-Type": "text/xml; charset=utf-8", Accept: "text/xml" }, body: GET_CALENDAR };
  try {
    answer = await send({ ...request, headers: { ...request.headers, Authorization: `Basic ${Buffer.from(`${login}:${password}`, "utf8").toString("base64")}` } });
    // The server's challenge picks the scheme: NTLM when it does not offer Basic.
    if (answer.status === 401 && offeredScheme(answer) === "ntlm") {
      authentication = "ntlm";
      answer = await sendWithNtlm(request, login, password, ntlmWord(answer));
    }
  } catch (error) {
    if (error instanceof OutboundError) {
      const reason = error.kind === "too-large" ? "not-ews" : error.kind;
      return { ok: false, reason, message: error.message };
    }
    throw error;
  }
  if (answer.status === 401) {
    // Exchange Online answers a tenant without Basic with a Bearer-only challenge: that is the
    // password explanation the user needs, not an unknown sign-in method.
    if (isOffice365(url)) {
      return {
        ok: false,
        reason: "credentials-rejected",
        message:
          "Office.com refused the password. Exchange Online no longer accepts passwords for EWS unless your organisation's tenant explicitly allows it: use Sign in with Microsoft above instead.",
      };
    }
    if (authentication === "basic" && offeredScheme(answer) === null) {
      return { ok: false, reason: "unsupported-authentication", message: "The server asks for a sign-in method other than Basic or NTLM." };
    }
    return { ok: false, reason: "credentials-rejected", message: "The server refused the login or password. Check both, including the domain (DOMAIN\\user or user@domain)." };
  }
  if (answer.status >= 300 && answer.status < 400) {
    return { ok: false, reason: "not-ews", message: `The server redirects elsewhere (${answer.headers.location ?? "no location"}); enter the EWS address itself.` };
  }
  const contentType = String(answer.headers["content-type"] ?? "");
  if (!/xml/i.test(contentType) || !/<(?:\w+:)?Envelope[\s>]/.test(answer.body)) {
    return { ok: false, reason: "not-ews", message: `The address answered (HTTP ${answer.status}) but is not an Exchange Web Services endpoint.` };
  }
  const folderId = /<(?:\w+:)?FolderId\s[^>]*\bId="([^"]+)"/.exec(answer.body)?.[1];
  if (!/ResponseClass="Success"/.test(answer.body) || !folderId) {
    return { ok: false, reason: "calendar-not-found", message: "The server answered but did not return a calendar folder for this account." };
  }
  return { ok: true, serverUrl: url.toString(), serverVersion: serverVersionOf(answer.body), calendarFolderId: folderId, authentication };
}

/**
 * The schema version the server speaks. Exchange 2007 names none in ServerVersionInfo (only
 * MajorVersion 8), and asking it for a later one is refused, so it is read from the numbers then.
 */
export function serverVersionOf(body: string): string | null {
  const info = /<(?:\w+:)?ServerVersionInfo\s[^>]*>/.exec(body)?.[0] ?? "";
  const attribute = (name: string) => new RegExp(`\\b${name}="([^"]+)"`).exec(info)?.[1];
  const named = attribute("Version");
  if (named) return named;
  const major = Number(attribute("MajorVersion"));
  const minor = Number(attribute("MinorVersion"));
  if (major === 8) return "Exchange2007_SP1";
  if (major === 14) return minor === 0 ? "Exchange2010" : minor === 1 ? "Exchange2010_SP1" : "Exchange2010_SP2";
  return null;
}
