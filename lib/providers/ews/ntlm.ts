import http from "node:http";
import https from "node:https";
import ntlmClient from "@ewsjs/ntlm-client";
import { outboundRequest as send, type OutboundAnswer as HttpAnswer, type OutboundRequest } from "@/lib/net/outbound";

const { createType1Message, createType3Message, decodeType2Message } = ntlmClient;

/** `DOMAIN\user` signs in as user of DOMAIN; `user@domain` (a UPN) goes whole, with no domain. */
export function splitLogin(login: string): { user: string; domain: string } {
  const slash = login.indexOf("\\");
  return slash > 0 ? { domain: login.slice(0, slash), user: login.slice(slash + 1) } : { domain: "", user: login };
}

/**
 * The header word NTLM messages travel under. IIS takes them only under a scheme it offers, and a
 * server with only the Negotiate provider accepts raw NTLM inside Negotiate (no Kerberos needed).
 */
export type NtlmWord = "NTLM" | "Negotiate";

/**
 * NTLM authenticates a connection, not a request: negotiate, challenge and the authenticated request
 * travel on one kept-alive socket. @ewsjs/ntlm-client builds the messages and brings its own MD4,
 * which Node's OpenSSL 3 no longer has; it names them NTLM, so the word is swapped for Negotiate.
 */
export async function sendWithNtlm(options: OutboundRequest, login: string, password: string, word: NtlmWord = "NTLM"): Promise<HttpAnswer> {
  const agent = options.url.protocol === "https:" ? new https.Agent({ keepAlive: true, maxSockets: 1 }) : new http.Agent({ keepAlive: true, maxSockets: 1 });
  const under = (message: string) => message.replace(/^NTLM /, `${word} `);
  try {
    const { user, domain } = splitLogin(login);
    const challenge = await send({ ...options, agent, headers: { ...options.headers, Authorization: under(createType1Message("", domain)) } });
    const header = challenges(challenge).find((value) => value.startsWith(`${word} `) && /^\S+ \S/.test(value));
    if (challenge.status !== 401 || !header) return challenge;
    const type3 = createType3Message(decodeType2Message(header.replace(/^\S+ /, "NTLM ")), user, password, "", domain);
    return await send({ ...options, agent, headers: { ...options.headers, Authorization: under(type3) } });
  } finally {
    agent.destroy();
  }
}

const challenges = (answer: HttpAnswer) => [answer.headers["www-authenticate"] ?? []].flat().flatMap((value) => value.split(/,\s*(?=[A-Za-z]+(?:\s|$))/)).map((value) => value.trim());

/** Which scheme the server's 401 challenge asks for: Basic when offered, else NTLM, else none. */
export function offeredScheme(answer: HttpAnswer): "basic" | "ntlm" | null {
  const schemes = challenges(answer).map((value) => value.split(/\s/)[0]?.toLowerCase());
  if (schemes.includes("basic")) return "basic";
  if (schemes.includes("ntlm") || schemes.includes("negotiate")) return "ntlm";
  return null;
}

/** The word to send NTLM under for this challenge: NTLM when offered, else Negotiate. */
export function ntlmWord(answer: HttpAnswer): NtlmWord {
  return challenges(answer).some((value) => /^ntlm(\s|$)/i.test(value)) ? "NTLM" : "Negotiate";
}
