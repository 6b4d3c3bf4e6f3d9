// Runs the fake Exchange as its own process, for the Playwright suite: EWS on FAKE_EWS_PORT, and a
// control server on FAKE_EWS_CONTROL_PORT through which tests add and read the mailbox's items.
import http from "node:http";
import type { FakeItem } from "./mailbox";
import { startFakeEws } from "./server";

const ews = await startFakeEws({ port: Number(process.env.FAKE_EWS_PORT ?? 4200) });

const control = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const reply = (body: unknown) => response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    const path = new URL(request.url ?? "/", "http://fake").pathname;
    if (path === "/health") return reply({ ok: true, ewsUrl: ews.ewsUrl });
    if (path === "/items" && request.method === "POST") return reply(ews.mailbox.add(JSON.parse(Buffer.concat(chunks).toString("utf8")) as Partial<FakeItem>));
    if (path === "/items") return reply({ items: [...ews.mailbox.items.values()] });
    response.writeHead(404).end();
  });
});
await new Promise<void>((resolve) => control.listen(Number(process.env.FAKE_EWS_CONTROL_PORT ?? 4201), "127.0.0.1", resolve));
console.log(`Fake Exchange listening at ${ews.ewsUrl}`);

const stop = () => void Promise.all([ews.close(), new Promise((resolve) => control.close(resolve))]).then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
