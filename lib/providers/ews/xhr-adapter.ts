import type { IXHRApi, IXHROptions } from "ews-javascript-api";
import { AuthorizationError, RemoteUnavailableError } from "@/lib/sync/provider";
import { ntlmWord, offeredScheme, sendWithNtlm, type NtlmWord } from "@/lib/providers/ews/ntlm";
import { outboundRequest as send, OutboundError, type OutboundAnswer as HttpAnswer, type OutboundPolicy } from "@/lib/net/outbound";

/**
 * ews-javascript-api's HTTP layer, replaced by ours: every request goes through the outbound guard
 * (each DNS answer checked where the socket connects), with a deadline (the library never applies
 * its own Timeout), a size cap, no redirects and verified TLS. Basic or NTLM is chosen by the server's challenge.
 * Throttling (ErrorServerBusy, 503, network failures) is waited out here within a budget, so the
 * library only ever sees a final answer.
 */

export interface GuardedXhrOptions {
  url: URL;
  policy: OutboundPolicy;
  login: string;
  password: string;
  /** The scheme the connection test found; a Basic 401 that offers NTLM switches to it. */
  authentication?: "basic" | "ntlm";
  /** Total time spent waiting between retries of one call before it gives up. */
  retryBudgetMs?: number;
  timeoutMs?: number;
  /** The largest answer read; a larger one ends the call. */
  maxBytes?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** What the library reads from an answer: an XMLHttpRequest look-alike. */
export interface XhrAnswer {
  status: number;
  statusText: string;
  responseText: string;
  headers: Record<string, string>;
  getAllResponseHeaders(): string;
  getResponseHeader(name: string): string | null;
}

const TRANSIENT_FAULTS = /<(?:\w+:)?ResponseCode[^>]*>\s*(ErrorServerBusy|ErrorInternalServerTransientError|ErrorTimeoutExpired|ErrorExceededConnectionCount|ErrorMailboxStoreUnavailable)\s*</;

const SOAP_ENVELOPE = /<(?:\w+:)?Envelope[\s>]/;
/**
 * The status a rejection carries when the provider reads the reason from `failure`: the library
 * parses the body of any rejected 500 as a SOAP fault, and an unparsable one would throw inside its
 * promise chain and hang the call.
 */
const UNREADABLE = 502;

const UPDATE_ANSWER = /(<(\w+:)?UpdateItemResponseMessage\b[^>]*ResponseClass="(?:Success|Warning)"[^>]*>)([\s\S]*?)(<\/\2UpdateItemResponseMessage>)/g;

/**
 * messages.xsd lets an UpdateItem answer leave ConflictResults out (minOccurs="0"), but the library
 * reads its Count unconditionally and fails the whole call — after Exchange applied the update. A
 * missing count is a count of none.
 */
export function withConflictResults(body: string): string {
  return body.replace(UPDATE_ANSWER, (whole, open: string, prefix: string | undefined, inner: string, close: string) =>
    /<(\w+:)?ConflictResults[\s>/]/.test(inner) ? whole : `${open}${inner}<${prefix ?? ""}ConflictResults><t:Count xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">0</t:Count></${prefix ?? ""}ConflictResults>${close}`,
  );
}

function xhrAnswer(status: number, body: string, raw: HttpAnswer["headers"] = {}): XhrAnswer {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) if (value !== undefined) headers[name.toLowerCase()] = [value].flat().join(", ");
  return {
    status,
    statusText: "",
    responseText: body,
    headers,
    getAllResponseHeaders: () => Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join(""),
    getResponseHeader: (name) => headers[name.toLowerCase()] ?? null,
  };
}

export class GuardedXhr implements IXHRApi {
  readonly apiName = "guarded";
  requestCount = 0;
  /**
   * Why the last call failed, when the library cannot carry it: the library turns every rejection
   * into its own SoapFaultDetails, so the provider reads the real reason (a refused password, an
   * exhausted retry budget) from here.
   */
  failure: Error | null = null;
  /** Waited so far for items Exchange answered as busy one by one (see waitForItems). */
  private itemWaitsMs = 0;
  private scheme: "basic" | "ntlm";
  private word: NtlmWord = "NTLM";
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: GuardedXhrOptions) {
    this.scheme = options.authentication ?? "basic";
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async xhr(request: IXHROptions): Promise<XMLHttpRequest> {
    const budget = this.options.retryBudgetMs ?? 60_000;
    let waited = 0;
    for (let attempt = 0; ; attempt += 1) {
      const outcome = await this.attempt(typeof request.data === "string" ? request.data : "");
      if ("answer" in outcome) {
        // The library resolves only a 200 and reads SOAP faults from a rejected 500.
        if (outcome.answer.status === 200) return outcome.answer as unknown as XMLHttpRequest;
        throw outcome.answer;
      }
      const wait = outcome.backOffMs ?? Math.min(30_000, 500 * 2 ** attempt);
      if (waited + wait > budget) {
        this.failure = new RemoteUnavailableError(`Exchange stayed unavailable: ${outcome.reason}`, outcome.status);
        throw xhrAnswer(UNREADABLE, "");
      }
      waited += wait;
      await this.sleep(wait);
    }
  }

  private async attempt(body: string): Promise<{ answer: XhrAnswer } | { reason: string; status: number | null; backOffMs?: number }> {
    const { url, policy, login, password, timeoutMs = 60_000, maxBytes } = this.options;
    const request = { url, policy, timeoutMs, ...(maxBytes ? { maxBytes } : {}), headers: { "Content-Type": "text/xml; charset=utf-8", Accept: "text/xml" }, body };
    this.requestCount += 1;
    let answer: HttpAnswer;
    try {
      if (this.scheme === "ntlm") {
        answer = await sendWithNtlm(request, login, password, this.word);
        // The stored scheme does not say which word the server takes NTLM under: its refusal does.
        if (answer.status === 401 && ntlmWord(answer) !== this.word) {
          this.word = ntlmWord(answer);
          answer = await sendWithNtlm(request, login, password, this.word);
        }
      } else {
        answer = await send({ ...request, headers: { ...request.headers, Authorization: `Basic ${Buffer.from(`${login}:${password}`, "utf8").toString("base64")}` } });
        if (answer.status === 401 && offeredScheme(answer) === "ntlm") {
          this.scheme = "ntlm";
          this.word = ntlmWord(answer);
          answer = await sendWithNtlm(request, login, password, this.word);
        }
      }
    } catch (error) {
      // An answer over the cap would be as large on every retry.
      if (error instanceof OutboundError && error.kind === "too-large") {
        this.failure = new RemoteUnavailableError(error.message, null);
        return { answer: xhrAnswer(UNREADABLE, "") };
      }
      if (error instanceof OutboundError) return { reason: error.message, status: null };
      throw error;
    }
    if (answer.status === 401) {
      this.failure = new AuthorizationError("Exchange refused the login or password.", "password-rejected");
      return { answer: xhrAnswer(401, "", answer.headers) };
    }
    if (answer.status === 500 && TRANSIENT_FAULTS.test(answer.body)) {
      const backOff = /Name="BackOffMilliseconds"[^>]*>\s*(\d+)\s*</.exec(answer.body)?.[1];
      return { reason: TRANSIENT_FAULTS.exec(answer.body)?.[1] ?? "ErrorServerBusy", status: 500, ...(backOff ? { backOffMs: Number(backOff) } : {}) };
    }
    if (answer.status === 200) return { answer: xhrAnswer(200, withConflictResults(answer.body), answer.headers) };
    if (answer.status === 500 && SOAP_ENVELOPE.test(answer.body)) return { answer: xhrAnswer(answer.status, answer.body, answer.headers) };
    if (answer.status === 500) return { reason: "HTTP 500 without a SOAP fault", status: 500 };
    if (answer.status >= 300 && answer.status < 500 && answer.status !== 429) {
      // A redirect is never followed (it could lead anywhere) and a client error does not heal by waiting.
      const location = answer.headers.location;
      this.failure = new RemoteUnavailableError(
        location
          ? `Exchange redirected the request to ${location} (HTTP ${answer.status}); redirects are not followed. Enter the EWS address itself in the account's Server field.`
          : `Exchange refused the request (HTTP ${answer.status}).`,
        answer.status,
      );
      return { answer: xhrAnswer(answer.status, "", answer.headers) };
    }
    return { reason: `HTTP ${answer.status}`, status: answer.status };
  }

  /**
   * Waits the back-off an answer asked for about some of its items (ErrorServerBusy inside a 200
   * answer), within the same budget a whole call's retries have, counted over this connection's
   * life — one run. False, without waiting, when the budget cannot cover it.
   */
  async waitForItems(backOffMs: number): Promise<boolean> {
    if (this.itemWaitsMs + backOffMs > (this.options.retryBudgetMs ?? 60_000)) return false;
    this.itemWaitsMs += backOffMs;
    await this.sleep(backOffMs);
    return true;
  }

  xhrStream(): Promise<XMLHttpRequest> {
    return Promise.reject(new Error("Streaming notifications are not used."));
  }

  disconnect(): void {}
}
