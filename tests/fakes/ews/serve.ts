// Runs the fake Exchange as its own process, for the Playwright suite and the benchmark: EWS on
// FAKE_EWS_PORT, and a control server on FAKE_EWS_CONTROL_PORT through which tests add, change and
// read the mailbox's items (all, or one folder's with ?folder=), add calendar folders and count
// requests (0 picks free ports; both addresses are printed).
// FAKE_EWS_AUTH_SCHEMES (comma-separated: Basic, NTLM, Negotiate, Bearer) sets the 401 challenge.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeItem } from "./mailbox";
import { OPERATIONS } from "./operations";
import { startFakeEws, type FakeEwsOptions } from "./server";

type Scheme = NonNullable<FakeEwsOptions["authSchemes"]>[number];
const SCHEMES: Scheme[] = ["Basic", "NTLM", "Negotiate", "Bearer"];
const authSchemes = process.env.FAKE_EWS_AUTH_SCHEMES?.split(",").map((name) => {
  const scheme = SCHEMES.find((known) => known === name.trim());
  if (!scheme) throw new Error(`FAKE_EWS_AUTH_SCHEMES: unknown scheme ${name}`);
  return scheme;
});

const ews = await startFakeEws({ port: Number(process.env.FAKE_EWS_PORT ?? 4200), ...(authSchemes ? { authSchemes } : {}) });

const control = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const reply = (body: unknown) => response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    const body = () => JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
    const path = new URL(request.url ?? "/", "http://fake").pathname;
    switch (path) {
      case "/health":
        return reply({ ok: true, ewsUrl: ews.ewsUrl });
      case "/folders":
        if (request.method !== "POST") return reply({ folders: [...ews.mailbox.folders.values()] });
        {
          // A calendar a person adds in Outlook: below the calendar folder unless another parent is named.
          const { name, parentId, folderClass } = body() as { name: string; parentId?: string; folderClass?: string };
          return reply(ews.mailbox.addFolder(name, { ...(parentId ? { parentId } : {}), ...(folderClass ? { folderClass } : {}) }));
        }
      case "/items":
        if (request.method !== "POST") {
          const folder = new URL(request.url ?? "/", "http://fake").searchParams.get("folder");
          return reply({ items: folder ? ews.mailbox.itemsIn(folder) : [...ews.mailbox.items.values()] });
        }
        {
          // One item as a person adds it in Outlook, or many at once to fill a mailbox (the benchmark).
          const added = body() as Partial<FakeItem> | Partial<FakeItem>[];
          return reply(Array.isArray(added) ? { added: added.map((fields) => ews.mailbox.add(fields).id) } : ews.mailbox.add(added));
        }
      case "/patch": {
        const changes = body() as { id: string; change: Partial<FakeItem> }[];
        for (const { id, change } of changes) {
          const item = ews.mailbox.items.get(id);
          if (!item) return response.writeHead(404).end(`no item ${id}`);
          Object.assign(item, change);
          ews.mailbox.touch(item);
        }
        return reply({ patched: changes.length });
      }
      case "/requests":
        return reply({
          http: ews.requestLog.length,
          operations: Object.fromEntries(OPERATIONS.map((name) => [name, ews.count(name)])),
          schemes: [...new Set(ews.requestLog.flatMap((entry) => (entry.scheme ? [entry.scheme] : [])))],
        });
      default:
        response.writeHead(404).end();
    }
  });
});
await new Promise<void>((resolve) => control.listen(Number(process.env.FAKE_EWS_CONTROL_PORT ?? 4201), "127.0.0.1", resolve));
console.log(`Fake Exchange listening at ${ews.ewsUrl} http://127.0.0.1:${(control.address() as AddressInfo).port}`);

const stop = () => void Promise.all([ews.close(), new Promise((resolve) => control.close(resolve))]).then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
