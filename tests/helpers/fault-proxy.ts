// A small HTTP proxy in front of a real server that injects what is hard to provoke in it: 5xx and
// 429 answers (with Retry-After), connections dropped before an answer, redirects, and reports a
// server does not support.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type Fault =
  | { kind: "status"; status: number; retryAfter?: string }
  | { kind: "drop" }
  | { kind: "redirect"; location: string };

export interface FaultProxy {
  url: string;
  /** Faults for the next requests, in order (one request each). */
  inject(...faults: Fault[]): void;
  /** Answer sync-collection REPORTs as a server without RFC 6578 does. */
  refuseSyncCollection: boolean;
  /** Requests that reached the proxy, by method. */
  requests: string[];
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const faults: Fault[] = [];
  const proxy: Omit<FaultProxy, "url" | "close"> = { inject: (...more) => faults.push(...more), refuseSyncCollection: false, requests: [] };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      proxy.requests.push(request.method ?? "");
      const fault = faults.shift();
      if (fault?.kind === "drop") return request.socket.destroy();
      if (fault?.kind === "status") return response.writeHead(fault.status, fault.retryAfter ? { "Retry-After": fault.retryAfter } : {}).end("injected");
      if (fault?.kind === "redirect") return response.writeHead(301, { Location: fault.location }).end();
      if (proxy.refuseSyncCollection && request.method === "REPORT" && body.toString("utf8").includes("sync-collection")) {
        return response.writeHead(403, { "Content-Type": "application/xml" }).end('<?xml version="1.0"?><d:error xmlns:d="DAV:"><d:supported-report/></d:error>');
      }
      const forwarded = http.request({ host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers: { ...request.headers, host: upstream.host } }, (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      forwarded.on("error", () => response.writeHead(502).end());
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as FaultProxy;
}
