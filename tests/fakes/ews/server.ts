import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { XMLValidator } from "fast-xml-parser";
import { FakeMailbox } from "@/tests/fakes/ews/mailbox";
import { messageType, type2, verifyType3 } from "@/tests/fakes/ews/ntlm";
import { FaultError } from "@/tests/fakes/ews/item-xml";
import { OPERATIONS, requestParser, runOperation, type Operation } from "@/tests/fakes/ews/operations";
import { versionRefusal } from "@/tests/fakes/ews/versions";
import { keepIdleConnections } from "../keep-alive";

/**
 * A local stand-in for an Exchange server's EWS endpoint and POX Autodiscover, answering the way
 * Exchange does: Basic authentication with a 401 challenge, server version headers, the calendar
 * operations in operations.ts on a FakeMailbox, SOAP faults for malformed requests, throttling and
 * injected faults, and a request log.
 */

export interface FakeEwsOptions {
  users?: Record<string, string>;
  /** Which challenges a 401 offers. */
  authSchemes?: ("Basic" | "NTLM" | "Negotiate" | "Bearer")[];
  /** Answer every request with an HTML page, like a web server that is not Exchange. */
  htmlOnly?: boolean;
  /** The server's version; `name` is the newest RequestServerVersion it accepts (Exchange 2007, major 8, does not say it in ServerVersionInfo). */
  version?: { major: number; minor: number; build: number; revision: number; name: string };
  /** Delay before every answer, for timeout tests. */
  delayMs?: number;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Serve https with this key and certificate instead of plain http. */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

export interface FakeEws {
  url: string;
  ewsUrl: string;
  autodiscoverUrl: string;
  /** `scheme` is the Authorization header's first word (the credential itself is not kept). */
  requestLog: { method: string; path: string; scheme: string | null; body: string; operation: string | null }[];
  mailbox: FakeMailbox;
  /** EWS calls answered so far, per operation. */
  count(operation?: Operation): number;
  /** The next `times` EWS calls (after `afterCalls` answered normally) get an HTTP 500 ErrorServerBusy fault asking for this back-off. */
  throttle(times: number, backOffMs?: number, afterCalls?: number): void;
  /** The next `times` EWS calls (after `afterCalls` answered normally) get this bare HTTP status. */
  failWith(times: number, status: number, afterCalls?: number): void;
  /** Answer every request with a 302 to this address (null: stop), as a misconfigured proxy or a moved server does. */
  redirectTo(location: string | null): void;
  /** Every SOAP answer grows by this many bytes (an XML comment), for the response-size cap. */
  padAnswers(bytes: number): void;
  /** Runs `change` once, just before the next call of `operation` is carried out: someone else's edit between a client's read and its write. */
  beforeNext(operation: Operation, change: () => void): void;
  close(): Promise<void>;
}

const SOAP = "http://schemas.xmlsoap.org/soap/envelope/";
const T = "http://schemas.microsoft.com/exchange/services/2006/types";
const E = "http://schemas.microsoft.com/exchange/services/2006/errors";

type Node = Record<string, unknown>;

const faultXml = (code: string, text: string) =>
  `<s:Fault><faultcode xmlns:a="${T}">a:${code}</faultcode><faultstring xml:lang="en-US">${text}</faultstring><detail><e:ResponseCode xmlns:e="${E}">${code}</e:ResponseCode><e:Message xmlns:e="${E}">${text}</e:Message></detail></s:Fault>`;

/**
 * The operation element inside a well-formed SOAP request, or null when Exchange would refuse it:
 * the body must be XML (checked by a real parser, as Exchange's schema validation would) and name
 * the version it speaks.
 */
function parseRequest(body: string): { operation: Operation; node: Node; version: string } | null {
  if (XMLValidator.validate(body) !== true) return null;
  const envelope = (requestParser.parse(body) as Node).Envelope as Node | undefined;
  const version = ((envelope?.Header as Node | undefined)?.RequestServerVersion as Node | undefined)?.["@_Version"];
  if (typeof version !== "string" || !version) return null;
  const soapBody = envelope?.Body as Node | undefined;
  const operation = OPERATIONS.find((name) => soapBody && name in soapBody);
  if (!operation || !soapBody) return null;
  const node = soapBody[operation];
  return { operation, node: node && typeof node === "object" ? (node as Node) : {}, version };
}

/** A 401's challenge per scheme; Bearer as Exchange Online sends it (MS-XOAUTH), where no password is taken. */
const challenge = (scheme: NonNullable<FakeEwsOptions["authSchemes"]>[number]) =>
  scheme === "Basic"
    ? 'Basic realm="fake.exchange"'
    : scheme === "Bearer"
      ? 'Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@*", token_types="app_asserted_user_v1 service_asserted_app_v1", authorization_uri="https://login.windows.net/common/oauth2/authorize", error="invalid_token"'
      : scheme;

export async function startFakeEws(options: FakeEwsOptions = {}): Promise<FakeEws> {
  const users = options.users ?? { "CONTOSO\\alice": "secret", "alice@contoso.test": "secret" };
  const schemes = options.authSchemes ?? ["Basic", "NTLM"];
  const version = options.version ?? { major: 15, minor: 1, build: 2507, revision: 6, name: "V2017_07_11" };
  const requestLog: FakeEws["requestLog"] = [];
  const mailbox = new FakeMailbox();
  const counts = new Map<string, number>();
  /** Answers for the next EWS calls in order; null: answered normally. */
  const faults: ({ kind: "busy"; backOffMs?: number } | { kind: "status"; status: number } | null)[] = [];
  let redirect: string | null = null;
  let padding = 0;
  const hooks = new Map<Operation, () => void>();

  const handler = (request: http.IncomingMessage, response: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const operation = OPERATIONS.find((name) => new RegExp(`<(\\w+:)?${name}[\\s>/]`).test(body)) ?? null;
      requestLog.push({ method: request.method ?? "", path: request.url ?? "", scheme: request.headers.authorization?.split(" ")[0] ?? null, body, operation });
      setTimeout(() => answer(request, response, body), options.delayMs ?? 0);
    });
  };
  const server = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler);

  const passwordOf = (login: string) => Object.entries(users).find(([name]) => name.toLowerCase() === login.toLowerCase())?.[1];
  // Challenges still open. A Type 3 may arrive on another connection than its Type 1 (the library's
  // own NTLM client does not keep the socket over plain http), so any recent challenge may match.
  const challenges: Buffer[] = [];

  /** true when signed in; "challenged" when a Type 2 went out on this connection. */
  const authorised = (request: http.IncomingMessage, response: http.ServerResponse): boolean | "challenged" => {
    const message = messageType(request.headers.authorization);
    // IIS reads a token only under a scheme it offers.
    const ntlm = message && schemes.includes(message.word) ? message : null;
    if (ntlm?.type === 1) {
      const { header, challenge } = type2("CONTOSO", ntlm.word);
      challenges.push(challenge);
      if (challenges.length > 32) challenges.shift();
      response.writeHead(401, { "WWW-Authenticate": header }).end();
      return "challenged";
    }
    if (ntlm?.type === 3) {
      const index = challenges.findIndex((challenge) => verifyType3(ntlm.message, challenge, passwordOf) !== null);
      if (index >= 0) challenges.splice(index, 1);
      return index >= 0;
    }
    const match = /^Basic (.+)$/.exec(request.headers.authorization ?? "");
    if (!match?.[1] || !schemes.includes("Basic")) return false;
    const decoded = Buffer.from(match[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return passwordOf(decoded.slice(0, colon)) === decoded.slice(colon + 1);
  };

  function answer(request: http.IncomingMessage, response: http.ServerResponse, body: string) {
    if (redirect) {
      response.writeHead(302, { Location: redirect, "Content-Type": "text/html" }).end(`<html><body>Object moved to <a href="${redirect}">here</a>.</body></html>`);
      return;
    }
    if (options.htmlOnly) {
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end("<!doctype html><title>Welcome</title><p>It works");
      return;
    }
    const signedIn = authorised(request, response);
    if (signedIn === "challenged") return;
    if (!signedIn) {
      response.writeHead(401, { "WWW-Authenticate": schemes.map(challenge) }).end();
      return;
    }
    const path = (request.url ?? "").toLowerCase();
    if (path === "/autodiscover/autodiscover.xml") {
      response
        .writeHead(200, { "Content-Type": "text/xml; charset=utf-8" })
        .end(
          `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"><Account><AccountType>email</AccountType><Action>settings</Action><Protocol><Type>EXCH</Type><EwsUrl>${ewsUrl}</EwsUrl></Protocol></Account></Response></Autodiscover>`,
        );
      return;
    }
    if (path !== "/ews/exchange.asmx") {
      response.writeHead(404, { "Content-Type": "text/html" }).end("<html><body>Not found</body></html>");
      return;
    }
    const header = `<s:Header><h:ServerVersionInfo MajorVersion="${version.major}" MinorVersion="${version.minor}" MajorBuildNumber="${version.build}" MinorBuildNumber="${version.revision}" ${version.major > 8 ? `Version="${version.name}" ` : ""}xmlns:h="${T}" xmlns="${T}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"/></s:Header>`;
    const reply = (status: number, inner: string) =>
      response
        .writeHead(status, { "Content-Type": "text/xml; charset=utf-8", "X-OWA-Version": `${version.major}.${version.minor}.${version.build}.${version.revision}` })
        .end(`<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${SOAP}">${header}<s:Body>${inner}</s:Body></s:Envelope>${padding ? `<!--${"x".repeat(padding)}-->` : ""}`);
    const fault = faults.shift();
    if (fault?.kind === "status") {
      response.writeHead(fault.status, { "Content-Type": "text/html" }).end("<html><body>Service Unavailable</body></html>");
      return;
    }
    if (fault?.kind === "busy") {
      const backOff = fault.backOffMs === undefined ? "" : `<t:MessageXml xmlns:t="${T}"><t:Value Name="BackOffMilliseconds">${fault.backOffMs}</t:Value></t:MessageXml>`;
      reply(
        500,
        `<s:Fault><faultcode xmlns:a="${T}">a:ErrorServerBusy</faultcode><faultstring xml:lang="en-US">The server cannot service this request right now. Try again later.</faultstring><detail><e:ResponseCode xmlns:e="${E}">ErrorServerBusy</e:ResponseCode><e:Message xmlns:e="${E}">The server cannot service this request right now. Try again later.</e:Message>${backOff}</detail></s:Fault>`,
      );
      return;
    }
    const parsed = parseRequest(body);
    if (!parsed) {
      reply(500, faultXml("ErrorSchemaValidation", "The request failed schema validation."));
      return;
    }
    const refused = versionRefusal(version.name, parsed.version, body);
    if (refused) {
      reply(500, faultXml(refused.code, refused.text));
      return;
    }
    counts.set(parsed.operation, (counts.get(parsed.operation) ?? 0) + 1);
    const hook = hooks.get(parsed.operation);
    hooks.delete(parsed.operation);
    hook?.();
    try {
      reply(200, runOperation(mailbox, parsed.operation, parsed.node, body, parsed.version));
    } catch (error) {
      if (!(error instanceof FaultError)) throw error;
      reply(500, faultXml(error.code, error.message));
    }
  }

  keepIdleConnections(server);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `${options.tls ? "https" : "http"}://127.0.0.1:${port}`;
  const ewsUrl = `${url}/EWS/Exchange.asmx`;
  return {
    url,
    ewsUrl,
    autodiscoverUrl: `${url}/autodiscover/autodiscover.xml`,
    requestLog,
    mailbox,
    count: (operation) => (operation ? (counts.get(operation) ?? 0) : [...counts.values()].reduce((sum, value) => sum + value, 0)),
    throttle: (times, backOffMs, afterCalls = 0) =>
      faults.push(...Array.from({ length: afterCalls }, () => null), ...Array.from({ length: times }, () => ({ kind: "busy" as const, ...(backOffMs === undefined ? {} : { backOffMs }) }))),
    failWith: (times, status, afterCalls = 0) => faults.push(...Array.from({ length: afterCalls }, () => null), ...Array.from({ length: times }, () => ({ kind: "status" as const, status }))),
    redirectTo: (location) => {
      redirect = location;
    },
    padAnswers: (bytes) => {
      padding = bytes;
    },
    beforeNext: (operation, change) => hooks.set(operation, change),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
