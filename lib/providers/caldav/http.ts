import http from "node:http";
import https from "node:https";
import zlib from "node:zlib";
import { guardedLookup, TLS_CODES, UNREACHABLE_MESSAGE } from "@/lib/net/outbound";
import { checkAddress, type AddressGuardOptions, type OutboundPolicy } from "@/lib/providers/caldav/address-guard";

/**
 * HTTP for CalDAV: Basic authentication, every socket resolved through the URL guard's lookup
 * (a second DNS answer cannot steer it elsewhere), redirects followed by hand and each target checked
 * again (iCloud answers from other hosts than the one typed), deadlines, a size cap, and retries of
 * 429/503/5xx and dropped connections within a time budget.
 */

export interface DavAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The address that answered, after redirects. */
  url: URL;
}

/**
 * "unreachable" covers a refused address, a closed port, a dead host and a timeout alike, with one
 * message: telling them apart would let the form scan the networks behind the app.
 */
export type DavFailure = "invalid-url" | "insecure-scheme" | "unreachable" | "tls-untrusted" | "too-large" | "too-many-redirects";

export class DavTransportError extends Error {
  constructor(
    readonly kind: DavFailure,
    message: string,
  ) {
    super(message);
    this.name = "DavTransportError";
  }
}

const MAX_REDIRECTS = 5;

export interface DavClientOptions extends AddressGuardOptions {
  login: string;
  password: string;
  timeoutMs?: number;
  maxBytes?: number;
  /** How long one request may keep retrying 429/5xx/network failures; 0 retries nothing. */
  retryBudgetMs?: number;
}

export interface DavRequest {
  method: "GET" | "PUT" | "DELETE" | "PROPFIND" | "REPORT" | "OPTIONS";
  url: string | URL;
  headers?: Record<string, string>;
  body?: string;
}

function decode(buffer: Buffer, encoding: string | undefined): string {
  if (encoding === "gzip") return zlib.gunzipSync(buffer).toString("utf8");
  if (encoding === "deflate") return zlib.inflateSync(buffer).toString("utf8");
  if (encoding === "br") return zlib.brotliDecompressSync(buffer).toString("utf8");
  return buffer.toString("utf8");
}

const unreachable = () => new DavTransportError("unreachable", UNREACHABLE_MESSAGE);

function once(url: URL, policy: OutboundPolicy, request: DavRequest, authorization: string, timeoutMs: number, maxBytes: number, agent: http.Agent): Promise<Omit<DavAnswer, "url">> {
  const client = url.protocol === "https:" ? https : http;
  const body = request.body;
  const headers = {
    Authorization: authorization,
    "Accept-Encoding": "gzip, deflate",
    ...(body !== undefined ? { "Content-Length": String(Buffer.byteLength(body)) } : {}),
    ...request.headers,
  };
  return new Promise((resolve, reject) => {
    const outgoing = client.request(url, { method: request.method, headers, lookup: guardedLookup(policy), timeout: timeoutMs, agent }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) return outgoing.destroy(new DavTransportError("too-large", `The server's answer is larger than the ${Math.round(maxBytes / 1024)} KB allowed.`));
        chunks.push(chunk);
      });
      response.on("end", () => {
        try {
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: decode(Buffer.concat(chunks), response.headers["content-encoding"]) });
        } catch {
          reject(new DavTransportError("unreachable", "The server's answer could not be decoded."));
        }
      });
      response.on("error", () => reject(unreachable()));
    });
    const deadline = setTimeout(() => outgoing.destroy(unreachable()), timeoutMs);
    outgoing.on("close", () => clearTimeout(deadline));
    outgoing.on("timeout", () => outgoing.destroy(unreachable()));
    outgoing.on("error", (error: NodeJS.ErrnoException) => {
      if (error instanceof DavTransportError) reject(error);
      else if (error.code && TLS_CODES.has(error.code)) reject(new DavTransportError("tls-untrusted", `The server's TLS certificate is not trusted (${error.code}).`));
      else reject(unreachable());
    });
    outgoing.end(body);
  });
}

const RETRIED = new Set([429, 500, 502, 503, 504]);

function retryDelayMs(answer: Omit<DavAnswer, "url"> | null, attempt: number): number {
  const header = answer?.headers["retry-after"];
  const value = Array.isArray(header) ? header[0] : header;
  if (value) {
    const seconds = Number(value);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const at = Date.parse(value);
    if (Number.isFinite(at)) return Math.max(0, at - Date.now());
  }
  return Math.min(8_000, 250 * 2 ** attempt);
}

export class DavClient {
  /** HTTP requests sent, retries and redirects included. */
  requestCount = 0;
  private readonly authorization: string;
  /**
   * Connections kept alive between requests (a sync is many PUTs to one host, and a TLS handshake
   * each would double their time). A socket is opened to the address the guard checked for it.
   */
  private readonly agents = { http: new http.Agent({ keepAlive: true, maxSockets: 8 }), https: new https.Agent({ keepAlive: true, maxSockets: 8 }) };

  constructor(private readonly options: DavClientOptions) {
    this.authorization = `Basic ${Buffer.from(`${options.login}:${options.password}`, "utf8").toString("base64")}`;
  }

  /**
   * One request, following redirects (each target checked by the URL guard) and retrying what may
   * pass (429 and 5xx after Retry-After or a back-off, dropped connections) while the budget lasts.
   * The last answer is returned whatever its status; failures to reach the server throw DavTransportError.
   */
  async send(request: DavRequest): Promise<DavAnswer> {
    const { timeoutMs = 30_000, maxBytes = 50 * 1024 * 1024, retryBudgetMs = 30_000, env, resolve } = this.options;
    const guard = { ...(env ? { env } : {}), ...(resolve ? { resolve } : {}) };
    const giveUpAt = Date.now() + retryBudgetMs;
    let target = new URL(request.url);
    for (let redirects = 0, attempt = 0; ; ) {
      const checked = await checkAddress(target.toString(), guard);
      if (!checked.ok) throw new DavTransportError(checked.reason, checked.message);
      let answer: Omit<DavAnswer, "url"> | null = null;
      let failure: DavTransportError | null = null;
      this.requestCount += 1;
      try {
        answer = await once(checked.url, checked.policy, request, this.authorization, timeoutMs, maxBytes, checked.url.protocol === "https:" ? this.agents.https : this.agents.http);
      } catch (error) {
        if (!(error instanceof DavTransportError)) throw error;
        failure = error;
      }
      const transient = failure ? failure.kind === "unreachable" : RETRIED.has(answer?.status ?? 0);
      if (transient) {
        const wait = retryDelayMs(answer, attempt);
        if (Date.now() + wait <= giveUpAt) {
          attempt += 1;
          await new Promise((done) => setTimeout(done, wait));
          continue;
        }
      }
      if (failure) throw failure;
      const done = answer as Omit<DavAnswer, "url">;
      const location = done.headers.location;
      if ([301, 302, 303, 307, 308].includes(done.status) && location) {
        if ((redirects += 1) > MAX_REDIRECTS) throw new DavTransportError("too-many-redirects", "The server redirected too many times.");
        target = new URL(location, checked.url);
        continue;
      }
      return { ...done, url: checked.url };
    }
  }
}
