import { checkAddress, type AddressGuardOptions } from "@/lib/providers/caldav/address-guard";
import { hrefIn, parseMultistatus, propfind, textOf, type DavResponse } from "@/lib/providers/caldav/dav-xml";
import { DavClient, DavTransportError, type DavAnswer } from "@/lib/providers/caldav/http";

/**
 * Finds the calendars of a CalDAV account (RFC 6764 and RFC 4791): the principal from
 * current-user-principal at the address given or at /.well-known/caldav, its calendar-home-set,
 * and the collections in it that hold events. Refuses with a reason the form can show.
 */

export type DiscoveryRefusal =
  | "invalid-url"
  | "insecure-scheme"
  | "unreachable"
  | "tls-untrusted"
  | "credentials-rejected"
  | "not-caldav"
  | "no-calendars";

export interface DiscoveredCalendar {
  url: string;
  name: string;
}

export type DiscoveryResult = { ok: true; calendars: DiscoveredCalendar[] } | { ok: false; reason: DiscoveryRefusal; message: string };

export interface DiscoverInput extends AddressGuardOptions {
  serverUrl: string;
  login: string;
  password: string;
  timeoutMs?: number;
  retryBudgetMs?: number;
}

class Refused extends Error {
  constructor(
    readonly reason: DiscoveryRefusal,
    message: string,
  ) {
    super(message);
  }
}

const XML = { "Content-Type": "application/xml; charset=utf-8" };

const NOT_CALDAV = (url: URL) => new Refused("not-caldav", `${url.host} answered, but not as a CalDAV server. Check the address (for Nextcloud it ends in /remote.php/dav).`);

async function ask(client: DavClient, url: URL, depth: "0" | "1", props: string): Promise<{ answer: DavAnswer; responses: DavResponse[] } | null> {
  const answer = await client.send({ method: "PROPFIND", url, headers: { ...XML, Depth: depth }, body: propfind(props) });
  if (answer.status === 401) throw new Refused("credentials-rejected", "The server refused the login or password. For iCloud, use an app-specific password, not your Apple Account password.");
  if (answer.status !== 207) return null;
  const status = parseMultistatus(answer.body);
  return status ? { answer, responses: status.responses } : null;
}

const isCalendar = (response: DavResponse) => JSON.stringify(response.props.resourcetype ?? "").includes('"calendar"');

/** Collections with VEVENT among their components (no such property: every kind, RFC 4791 §5.2.3). */
function holdsEvents(response: DavResponse): boolean {
  const set = response.props["supported-calendar-component-set"] as { comp?: { "@name"?: string }[] } | undefined;
  if (!set || typeof set !== "object" || !set.comp) return true;
  return set.comp.some((comp) => comp["@name"]?.toUpperCase() === "VEVENT");
}

function calendarsIn(responses: DavResponse[], base: URL): DiscoveredCalendar[] {
  return responses.filter((response) => isCalendar(response) && holdsEvents(response)).map((response) => {
    const url = new URL(response.href, base);
    const name = textOf(response.props.displayname).trim();
    return { url: url.toString(), name: name || decodeURIComponent(url.pathname.split("/").filter(Boolean).pop() ?? url.pathname) };
  });
}

const COLLECTION_PROPS = "<d:resourcetype/><d:displayname/><c:supported-calendar-component-set/>";

async function discover(client: DavClient, start: URL): Promise<DiscoveredCalendar[]> {
  let principal: URL | null = null;
  let sawDav = false;
  for (const candidate of [start, new URL("/.well-known/caldav", start)]) {
    const found = await ask(client, candidate, "0", `<d:current-user-principal/>${COLLECTION_PROPS}`);
    if (!found) continue;
    sawDav = true;
    const self = found.responses[0];
    // The address is a calendar itself: that is the one offered.
    if (self && isCalendar(self)) return calendarsIn([{ ...self, href: found.answer.url.toString() }], found.answer.url);
    const href = hrefIn(self?.props["current-user-principal"]);
    if (href) {
      principal = new URL(href, found.answer.url);
      break;
    }
  }
  if (!principal) throw sawDav ? new Refused("not-caldav", `${start.host} speaks WebDAV but named no calendar user for this login. Check the address.`) : NOT_CALDAV(start);
  const home = await ask(client, principal, "0", "<c:calendar-home-set/>");
  const homeHref = hrefIn(home?.responses[0]?.props["calendar-home-set"]);
  if (!home || !homeHref) throw new Refused("not-caldav", `${start.host} has no calendars for this login (no calendar-home-set): it may be a WebDAV server without CalDAV.`);
  const homeUrl = new URL(homeHref, home.answer.url);
  const listing = await ask(client, homeUrl, "1", COLLECTION_PROPS);
  if (!listing) throw NOT_CALDAV(homeUrl);
  return calendarsIn(listing.responses, listing.answer.url);
}

export async function discoverCalendars({ serverUrl, login, password, timeoutMs = 20_000, retryBudgetMs = 0, ...guard }: DiscoverInput): Promise<DiscoveryResult> {
  const checked = await checkAddress(serverUrl, guard);
  if (!checked.ok) return checked;
  const client = new DavClient({ login, password, timeoutMs, retryBudgetMs, ...guard });
  try {
    const calendars = await discover(client, checked.url);
    if (calendars.length === 0) return { ok: false, reason: "no-calendars", message: "The server accepted the login but has no calendar with events for it. Create one in your calendar app first." };
    return { ok: true, calendars };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, reason: error.reason, message: error.message };
    if (error instanceof DavTransportError) {
      const reason: DiscoveryRefusal = error.kind === "too-large" || error.kind === "too-many-redirects" ? "not-caldav" : error.kind;
      return { ok: false, reason, message: error.message };
    }
    throw error;
  }
}

/** "Check connection" of a connected calendar: the login still works and the calendar is still there. */
export async function checkCalendar({ calendarUrl, login, password, timeoutMs = 20_000, ...guard }: Omit<DiscoverInput, "serverUrl" | "retryBudgetMs"> & { calendarUrl: string }): Promise<{ ok: true } | { ok: false; reason: DiscoveryRefusal; message: string }> {
  const client = new DavClient({ login, password, timeoutMs, retryBudgetMs: 0, ...guard });
  try {
    const found = await ask(client, new URL(calendarUrl), "0", COLLECTION_PROPS);
    if (!found?.responses[0] || !isCalendar(found.responses[0])) return { ok: false, reason: "no-calendars", message: "The calendar is no longer on the server: it may have been deleted or moved. Remove this account and add it again." };
    return { ok: true };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, reason: error.reason, message: error.message };
    if (error instanceof DavTransportError) return { ok: false, reason: error.kind === "too-large" || error.kind === "too-many-redirects" ? "not-caldav" : error.kind, message: error.message };
    throw error;
  }
}
