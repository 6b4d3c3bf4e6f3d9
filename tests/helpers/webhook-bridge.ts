import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A server on 127.0.0.1 that hands POSTs to `path` to a Next.js route handler exactly as Next.js
 * would (headers, body, and the answer back), so a fake provider can deliver its notifications to
 * the route under test. Anything else gets a 404.
 */
export async function startWebhookBridge(path: string, route: (request: Request) => Promise<Response>): Promise<{ url: string; close(): Promise<void> }> {
  let url = "";
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
      const body = Buffer.concat(chunks);
      const forward =
        new URL(req.url ?? "/", "http://app").pathname === path && req.method === "POST"
          ? route(new Request(`${url}${req.url ?? ""}`, { method: "POST", headers, ...(body.length > 0 ? { body } : {}) }))
          : Promise.resolve(new Response(null, { status: 404 }));
      void forward.then(
        async (response) => res.writeHead(response.status, Object.fromEntries(response.headers)).end(await response.text()),
        () => res.writeHead(500).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
