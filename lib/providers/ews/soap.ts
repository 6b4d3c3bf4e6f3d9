import { XMLParser } from "fast-xml-parser";
import { AuthorizationError, RemoteUnavailableError } from "@/lib/sync/provider";
import { escapeXml } from "@/lib/providers/ews/xml";
import { offeredScheme, sendWithNtlm } from "@/lib/providers/ews/ntlm";
import { send, TransportError, type HttpAnswer } from "@/lib/providers/ews/transport";

export const NS = {
  soap: "http://schemas.xmlsoap.org/soap/envelope/",
  t: "http://schemas.microsoft.com/exchange/services/2006/types",
  m: "http://schemas.microsoft.com/exchange/services/2006/messages",
} as const;

/** A parsed XML node: attributes as `@_Name`, text as `#text` when the element also has attributes. */
export type XmlNode = { [key: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlNode[] | string[];

const ALWAYS_LIST = new Set(["Create", "Update", "Delete", "CalendarItem", "Attendee", "ExtendedProperty", "Value", "Occurrence", "DeletedOccurrence"]);

export const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  htmlEntities: true,
  // Every XxxResponseMessage is a list: one per requested item.
  isArray: (name) => ALWAYS_LIST.has(name) || /ResponseMessage$/.test(name),
});

export function child(node: XmlValue | undefined, name: string): XmlNode | undefined {
  if (!node || typeof node === "string" || Array.isArray(node)) return undefined;
  const value = node[name];
  if (Array.isArray(value)) return typeof value[0] === "object" ? value[0] : undefined;
  return value && typeof value === "object" ? value : undefined;
}

export function children(node: XmlValue | undefined, name: string): XmlNode[] {
  if (!node || typeof node === "string" || Array.isArray(node)) return [];
  const value = node[name];
  if (Array.isArray(value)) return value.filter((entry): entry is XmlNode => typeof entry === "object");
  return value && typeof value === "object" ? [value] : [];
}

export function text(node: XmlValue | undefined, name?: string): string | undefined {
  const value = name === undefined ? node : node && typeof node === "object" && !Array.isArray(node) ? node[name] : undefined;
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return text(value[0]);
  if (value && typeof value === "object") return typeof value["#text"] === "string" ? value["#text"] : "";
  return undefined;
}

export function attr(node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.[`@_${name}`];
  return typeof value === "string" ? value : undefined;
}

export interface ResponseMessage {
  ok: boolean;
  code: string;
  message: string;
  node: XmlNode;
}

export function responseMessages(body: XmlNode, operation: string): ResponseMessage[] {
  const list = child(child(body, `${operation}Response`), "ResponseMessages");
  return children(list, `${operation}ResponseMessage`).map((node) => ({
    ok: attr(node, "ResponseClass") !== "Error",
    code: text(node, "ResponseCode") ?? "",
    message: text(node, "MessageText") ?? "",
    node,
  }));
}

export interface EwsClientOptions {
  url: URL;
  address: string;
  family: 4 | 6;
  login: string;
  password: string;
  /** The version the server reported in the connection test; Exchange2010 is the least this provider needs. */
  version?: string;
  /** The scheme the connection test found; a Basic 401 that offers NTLM switches to it. */
  authentication?: "basic" | "ntlm";
  /** Total time spent waiting between retries of one call before it gives up. */
  retryBudgetMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const TRANSIENT_CODES = new Set(["ErrorServerBusy", "ErrorInternalServerTransientError", "ErrorTimeoutExpired", "ErrorExceededConnectionCount", "ErrorMailboxStoreUnavailable"]);

/** Posts SOAP calls, counting every HTTP request, waiting out throttling within a budget. */
export class EwsClient {
  requestCount = 0;
  private scheme: "basic" | "ntlm";
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: EwsClientOptions) {
    this.scheme = options.authentication ?? "basic";
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Returns the SOAP Body of a successful exchange (individual items may still carry errors). */
  async call(bodyXml: string): Promise<XmlNode> {
    const budget = this.options.retryBudgetMs ?? 60_000;
    let waited = 0;
    for (let attempt = 0; ; attempt += 1) {
      const outcome = await this.attempt(bodyXml);
      if ("body" in outcome) return outcome.body;
      const wait = outcome.backOffMs ?? Math.min(30_000, 500 * 2 ** attempt);
      if (waited + wait > budget) throw new RemoteUnavailableError(`Exchange stayed unavailable: ${outcome.reason}`, outcome.status);
      waited += wait;
      await this.sleep(wait);
    }
  }

  private async attempt(bodyXml: string): Promise<{ body: XmlNode } | { reason: string; status: number | null; backOffMs?: number }> {
    const { url, address, family, login, password, version = "Exchange2013_SP1", timeoutMs = 60_000 } = this.options;
    const envelope = `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${NS.soap}" xmlns:t="${NS.t}" xmlns:m="${NS.m}"><soap:Header><t:RequestServerVersion Version="${escapeXml(version)}"/></soap:Header><soap:Body>${bodyXml}</soap:Body></soap:Envelope>`;
    this.requestCount += 1;
    let answer: HttpAnswer;
    const request = { url, address, family, timeoutMs, headers: { "Content-Type": "text/xml; charset=utf-8", Accept: "text/xml" }, body: envelope };
    try {
      if (this.scheme === "ntlm") answer = await sendWithNtlm(request, login, password);
      else {
        answer = await send({ ...request, headers: { ...request.headers, Authorization: `Basic ${Buffer.from(`${login}:${password}`, "utf8").toString("base64")}` } });
        if (answer.status === 401 && offeredScheme(answer) === "ntlm") {
          this.scheme = "ntlm";
          answer = await sendWithNtlm(request, login, password);
        }
      }
    } catch (error) {
      if (error instanceof TransportError) return { reason: error.message, status: null };
      throw error;
    }
    if (answer.status === 401) throw new AuthorizationError("Exchange refused the login or password.", "password-rejected");
    const parsed = /xml/i.test(String(answer.headers["content-type"] ?? "")) ? (xmlParser.parse(answer.body) as XmlNode) : undefined;
    const body = child(child(parsed, "Envelope"), "Body");
    const fault = child(body, "Fault");
    if (fault) {
      const detail = child(fault, "detail");
      const code = text(detail, "ResponseCode") ?? text(fault, "faultcode") ?? "";
      const backOff = children(child(detail, "MessageXml"), "Value").find((value) => attr(value, "Name") === "BackOffMilliseconds");
      const backOffMs = backOff ? Number(text(backOff)) : undefined;
      if (TRANSIENT_CODES.has(code.replace(/^\w+:/, "")) || !code) {
        return { reason: code || `HTTP ${answer.status}`, status: answer.status, ...(backOffMs !== undefined && Number.isFinite(backOffMs) ? { backOffMs } : {}) };
      }
      throw new RemoteUnavailableError(`Exchange refused the request: ${code}`, answer.status);
    }
    if (answer.status === 200 && body) return { body };
    return { reason: `HTTP ${answer.status}`, status: answer.status };
  }
}
