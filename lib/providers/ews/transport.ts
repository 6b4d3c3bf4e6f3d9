import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";

/**
 * One HTTP exchange with a user-supplied server, pinned to the address the URL guard checked (so
 * a second DNS answer cannot redirect it), with a deadline, a size cap and no redirects followed.
 * Certificates are always verified; a private CA is trusted through NODE_EXTRA_CA_CERTS.
 */

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type TransportFailure = "timeout" | "host-unreachable" | "tls-untrusted" | "too-large";

export class TransportError extends Error {
  constructor(
    readonly kind: TransportFailure,
    message: string,
  ) {
    super(message);
    this.name = "TransportError";
  }
}

const TLS_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

export interface PostOptions {
  url: URL;
  address: string;
  family: 4 | 6;
  method?: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  maxBytes?: number;
  /** A kept-alive agent for schemes that authenticate the connection (NTLM). */
  agent?: http.Agent;
}

export function send({ url, address, family, method = "POST", headers, body, timeoutMs = 30_000, maxBytes = 20 * 1024 * 1024, agent }: PostOptions): Promise<HttpAnswer> {
  const pinned: LookupFunction = (_host, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      { method, headers: { ...headers, ...(body ? { "Content-Length": String(Buffer.byteLength(body)) } : {}) }, lookup: pinned, timeout: timeoutMs, ...(agent ? { agent } : {}) },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            request.destroy(new TransportError("too-large", `The server's answer is larger than the ${Math.round(maxBytes / 1024)} KB allowed.`));
            return;
          }
          chunks.push(chunk);
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString("utf8") }));
        response.on("error", reject);
      },
    );
    const deadline = setTimeout(() => request.destroy(new TransportError("timeout", "The server did not answer in time.")), timeoutMs);
    request.on("close", () => clearTimeout(deadline));
    request.on("timeout", () => request.destroy(new TransportError("timeout", "The server did not answer in time.")));
    request.on("error", (error: NodeJS.ErrnoException) => {
      if (error instanceof TransportError) reject(error);
      else if (error.code && TLS_CODES.has(error.code)) reject(new TransportError("tls-untrusted", `The server's TLS certificate is not trusted (${error.code}).`));
      else reject(new TransportError("host-unreachable", `The server could not be reached (${error.code ?? error.message}).`));
    });
    request.end(body);
  });
}
