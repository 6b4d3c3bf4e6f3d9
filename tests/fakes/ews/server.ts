import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for an Exchange server's EWS endpoint and POX Autodiscover, answering the way
 * Exchange does for the connection test: Basic authentication with a 401 challenge, server version
 * headers, GetFolder on the calendar, SOAP faults for malformed requests.
 */

export interface FakeEwsOptions {
  users?: Record<string, string>;
  /** Which challenges a 401 offers. */
  authSchemes?: ("Basic" | "NTLM" | "Negotiate")[];
  /** Answer every request with an HTML page, like a web server that is not Exchange. */
  htmlOnly?: boolean;
  version?: { major: number; minor: number; build: number; revision: number; name: string };
  /** Delay before every answer, for timeout tests. */
  delayMs?: number;
}

export interface FakeEws {
  url: string;
  ewsUrl: string;
  autodiscoverUrl: string;
  requestLog: { method: string; path: string; body: string }[];
  close(): Promise<void>;
}

const SOAP = "http://schemas.xmlsoap.org/soap/envelope/";
const T = "http://schemas.microsoft.com/exchange/services/2006/types";
const M = "http://schemas.microsoft.com/exchange/services/2006/messages";

function isWellFormedEnvelope(body: string): boolean {
  // A coarse structural check: Exchange refuses a request whose XML does not parse; stray `&` or
  // `<` in text are the malformations unescaped client strings produce.
  if (!/^\s*(<\?xml[^>]*\?>)?\s*<(\w+:)?Envelope[\s>]/.test(body)) return false;
  const withoutEntities = body.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, "");
  return !withoutEntities.includes("&");
}

export async function startFakeEws(options: FakeEwsOptions = {}): Promise<FakeEws> {
  const users = options.users ?? { "CONTOSO\\alice": "secret", "alice@contoso.test": "secret" };
  const schemes = options.authSchemes ?? ["Basic", "NTLM"];
  const version = options.version ?? { major: 15, minor: 1, build: 2507, revision: 6, name: "V2017_07_11" };
  const requestLog: FakeEws["requestLog"] = [];

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      requestLog.push({ method: request.method ?? "", path: request.url ?? "", body });
      setTimeout(() => answer(request, response, body), options.delayMs ?? 0);
    });
  });

  const authorised = (request: http.IncomingMessage) => {
    const match = /^Basic (.+)$/.exec(request.headers.authorization ?? "");
    if (!match?.[1] || !schemes.includes("Basic")) return false;
    const decoded = Buffer.from(match[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return users[decoded.slice(0, colon)] === decoded.slice(colon + 1);
  };

  function answer(request: http.IncomingMessage, response: http.ServerResponse, body: string) {
    if (options.htmlOnly) {
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end("<!doctype html><title>Welcome</title><p>It works");
      return;
    }
    if (!authorised(request)) {
      response.writeHead(401, { "WWW-Authenticate": schemes.map((scheme) => (scheme === "Basic" ? 'Basic realm="fake.exchange"' : scheme)) }).end();
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
    const header = `<s:Header><h:ServerVersionInfo MajorVersion="${version.major}" MinorVersion="${version.minor}" MajorBuildNumber="${version.build}" MinorBuildNumber="${version.revision}" Version="${version.name}" xmlns:h="${T}" xmlns="${T}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"/></s:Header>`;
    const reply = (status: number, inner: string) =>
      response
        .writeHead(status, { "Content-Type": "text/xml; charset=utf-8", "X-OWA-Version": `${version.major}.${version.minor}.${version.build}.${version.revision}` })
        .end(`<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${SOAP}">${header}<s:Body>${inner}</s:Body></s:Envelope>`);
    if (!isWellFormedEnvelope(body)) {
      reply(
        500,
        `<s:Fault><faultcode xmlns:a="${T}">a:ErrorSchemaValidation</faultcode><faultstring xml:lang="en-US">The request failed schema validation.</faultstring><detail><e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">ErrorSchemaValidation</e:ResponseCode></detail></s:Fault>`,
      );
      return;
    }
    if (/<(\w+:)?GetFolder[\s>]/.test(body) && /DistinguishedFolderId Id="calendar"/.test(body)) {
      reply(
        200,
        `<m:GetFolderResponse xmlns:m="${M}" xmlns:t="${T}"><m:ResponseMessages><m:GetFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Folders><t:CalendarFolder><t:FolderId Id="AAMkAGFakeCalendar" ChangeKey="AgAAABYAAAA"/></t:CalendarFolder></m:Folders></m:GetFolderResponseMessage></m:ResponseMessages></m:GetFolderResponse>`,
      );
      return;
    }
    reply(
      200,
      `<m:GetFolderResponse xmlns:m="${M}" xmlns:t="${T}"><m:ResponseMessages><m:GetFolderResponseMessage ResponseClass="Error"><m:MessageText>The request is not supported by this fake.</m:MessageText><m:ResponseCode>ErrorInvalidRequest</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:GetFolderResponseMessage></m:ResponseMessages></m:GetFolderResponse>`,
    );
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const ewsUrl = `${url}/EWS/Exchange.asmx`;
  return {
    url,
    ewsUrl,
    autodiscoverUrl: `${url}/autodiscover/autodiscover.xml`,
    requestLog,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
