import { escapeXml } from "@/lib/providers/ews/xml";
import { guardServerUrl, type GuardOptions } from "@/lib/providers/ews/url-guard";
import { ntlmWord, offeredScheme, sendWithNtlm } from "@/lib/providers/ews/ntlm";
import { outboundRequest as send, type OutboundAnswer as HttpAnswer } from "@/lib/net/outbound";

export type AutodiscoverResult =
  | { ok: true; ewsUrl: string; foundAt: string }
  | { ok: false; reason: "no-email-domain" | "not-found" | "credentials-rejected"; message: string; tried: string[] };

export interface AutodiscoverInput extends GuardOptions {
  /** user@domain; the domain picks the candidates. */
  email: string;
  password: string;
  /** Overrides the standard candidates (tests point them at the fake). */
  candidates?: string[];
  timeoutMs?: number;
}

export function autodiscoverCandidates(domain: string): string[] {
  return [`https://autodiscover.${domain}/autodiscover/autodiscover.xml`, `https://${domain}/autodiscover/autodiscover.xml`];
}

const REQUEST = (email: string) =>
  `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>${escapeXml(email)}</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>`;

/**
 * POX Autodiscover: finds the EWS address from the login's email domain. The result is a proposal
 * the user confirms; the address found is itself checked by the URL guard before it is returned.
 * Signs in as EWS does: Basic, or NTLM when the server's challenge does not offer Basic (the usual
 * on-premises setup, where Autodiscover sits in the same IIS as EWS).
 */
export async function autodiscoverEwsUrl({ email, password, candidates, timeoutMs = 15_000, ...guard }: AutodiscoverInput): Promise<AutodiscoverResult> {
  const domain = /^[^@\s]+@([^@\s]+)$/.exec(email.trim())?.[1]?.toLowerCase();
  if (!domain) return { ok: false, reason: "no-email-domain", message: "Enter the login as an email address (user@domain) to look the server up.", tried: [] };
  const tried: string[] = [];
  let refused = false;
  for (const candidate of candidates ?? autodiscoverCandidates(domain)) {
    tried.push(candidate);
    const checked = await guardServerUrl(candidate, guard);
    if (!checked.ok) continue;
    const request = { url: checked.url, policy: checked.policy, timeoutMs, maxBytes: 1024 * 1024, headers: { "Content-Type": "text/xml; charset=utf-8" }, body: REQUEST(email) };
    let answer: HttpAnswer;
    try {
      answer = await send({ ...request, headers: { ...request.headers, Authorization: `Basic ${Buffer.from(`${email}:${password}`, "utf8").toString("base64")}` } });
      if (answer.status === 401 && offeredScheme(answer) === "ntlm") answer = await sendWithNtlm(request, email, password, ntlmWord(answer));
    } catch {
      continue;
    }
    // A 401 is a server that is there and refused the password: "not found" would send the user
    // looking for the wrong problem. Later candidates are still tried (they may be other servers).
    if (answer.status === 401) refused = true;
    if (answer.status !== 200) continue;
    const found = /<EwsUrl>\s*([^<]+?)\s*<\/EwsUrl>/.exec(answer.body)?.[1];
    if (!found) continue;
    const ewsUrl = found.replace(/&amp;/g, "&");
    const safe = await guardServerUrl(ewsUrl, guard);
    if (safe.ok) return { ok: true, ewsUrl: safe.url.toString(), foundAt: candidate };
  }
  if (refused) {
    return { ok: false, reason: "credentials-rejected", message: `The Exchange server for ${domain} refused the login or password. Check both, or enter the EWS address yourself.`, tried };
  }
  return { ok: false, reason: "not-found", message: `No Exchange server was found for ${domain}. Enter the EWS address yourself.`, tried };
}
