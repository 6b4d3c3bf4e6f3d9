import { XMLParser } from "fast-xml-parser";
import { escapeXml } from "@/lib/providers/ews/xml";

/**
 * WebDAV multistatus answers, read without namespace prefixes (DAV:, CalDAV and CalendarServer
 * property names do not collide), and the request bodies this provider sends.
 */

export interface DavResponse {
  /** The href as the server wrote it, percent-decoding left as is. */
  href: string;
  /** A status of the response itself (a sync-collection deletion is `404`), else null. */
  status: number | null;
  /** Properties found (2xx propstat), by local name. */
  props: Record<string, unknown>;
}

export interface Multistatus {
  responses: DavResponse[];
  syncToken: string | null;
}

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  isArray: (name) => ["response", "propstat", "href", "comp", "supported-report", "resourcetype"].includes(name),
});

const statusCode = (value: unknown) => {
  const code = /\s(\d{3})\s?/.exec(String(value ?? ""))?.[1];
  return code ? Number(code) : null;
};

export const textOf = (value: unknown): string => {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && "#text" in value) return String((value as { "#text": unknown })["#text"]);
  return "";
};

export function parseXml(body: string): Record<string, unknown> {
  return parser.parse(body) as Record<string, unknown>;
}

export function parseMultistatus(body: string): Multistatus | null {
  const root = parseXml(body).multistatus as Record<string, unknown> | undefined;
  if (!root || typeof root !== "object") return null;
  const responses = ((root.response as Record<string, unknown>[] | undefined) ?? []).map((response): DavResponse => {
    const props: Record<string, unknown> = {};
    for (const propstat of (response.propstat as Record<string, unknown>[] | undefined) ?? []) {
      const code = statusCode(propstat.status);
      if (code === null || code < 200 || code >= 300) continue;
      Object.assign(props, propstat.prop ?? {});
    }
    return { href: textOf((response.href as unknown[] | undefined)?.[0]).trim(), status: statusCode(response.status), props };
  });
  const token = root["sync-token"];
  return { responses, syncToken: token === undefined ? null : textOf(token).trim() || null };
}

/** The first href inside a property such as current-user-principal or calendar-home-set. */
export function hrefIn(value: unknown): string | null {
  if (!value || typeof value !== "object") return null;
  const hrefs = (value as { href?: unknown[] }).href;
  const first = hrefs?.[0];
  return first === undefined ? null : textOf(first).trim() || null;
}

export const NAMESPACES = 'xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:cs="http://calendarserver.org/ns/"';

export const propfind = (props: string) => `<?xml version="1.0" encoding="utf-8"?><d:propfind ${NAMESPACES}><d:prop>${props}</d:prop></d:propfind>`;

export const syncCollection = (token: string | null) =>
  `<?xml version="1.0" encoding="utf-8"?><d:sync-collection ${NAMESPACES}>${token ? `<d:sync-token>${escapeXml(token)}</d:sync-token>` : "<d:sync-token/>"}<d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`;

export const multiget = (hrefs: string[]) =>
  `<?xml version="1.0" encoding="utf-8"?><c:calendar-multiget ${NAMESPACES}><d:prop><d:getetag/><c:calendar-data/></d:prop>${hrefs.map((href) => `<d:href>${escapeXml(href)}</d:href>`).join("")}</c:calendar-multiget>`;

/** Whether the error body names this precondition (e.g. RFC 6578's DAV:valid-sync-token). */
export function namesPrecondition(body: string, name: string): boolean {
  return new RegExp(`<(?:[\\w-]+:)?${name}[\\s/>]`).test(body);
}
