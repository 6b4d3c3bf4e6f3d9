import { escapeXml } from "@/lib/providers/ews/xml";
import { guardServerUrl, type GuardOptions } from "@/lib/providers/ews/url-guard";
import { send } from "@/lib/providers/ews/transport";

export type AutodiscoverResult =
  | { ok: true; ewsUrl: string; foundAt: string }
  | { ok: false; reason: "no-email-domain" | "not-found"; message: string; tried: string[] };

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
 */
export async function autodiscoverEwsUrl({ email, password, candidates, timeoutMs = 15_000, ...guard }: AutodiscoverInput): Promise<AutodiscoverResult> {
  const domain = /^[^@\s]+@([^@\s]+)$/.exec(email.trim())?.[1]?.toLowerCase();
  if (!domain) return { ok: false, reason: "no-email-domain", message: "Enter the login as an email address (user@domain) to look the server up.", tried: [] };
  const tried: string[] = [];
  for (const candidate of candidates ?? autodiscoverCandidates(domain)) {
    tried.push(candidate);
    const checked = await guardServerUrl(candidate, guard);
    if (!checked.ok) continue;
    try {
      const answer = await send({
        ...checked,
        timeoutMs,
        maxBytes: 1024 * 1024,
        headers: { "Content-Type": "text/xml; charset=utf-8", Authorization: `Basic ${Buffer.from(`${email}:${password}`, "utf8").toString("base64")}` },
        body: REQUEST(email),
      });
      if (answer.status !== 200) continue;
      const found = /<EwsUrl>\s*([^<]+?)\s*<\/EwsUrl>/.exec(answer.body)?.[1];
      if (!found) continue;
      const ewsUrl = found.replace(/&amp;/g, "&");
      const safe = await guardServerUrl(ewsUrl, guard);
      if (safe.ok) return { ok: true, ewsUrl: safe.url.toString(), foundAt: candidate };
    } catch {
      continue;
    }
  }
  return { ok: false, reason: "not-found", message: `No Exchange server was found for ${domain}. Enter the EWS address yourself.`, tried };
}
