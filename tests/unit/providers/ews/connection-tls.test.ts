import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testEwsConnection } from "@/lib/providers/ews/connection-test";
import { startFakeEws, type FakeEws } from "@/tests/fakes/ews/server";

let server: https.Server;
let dir: string;
let privateCa: FakeEws;

const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "ews-tls-"));
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", "key.pem", "-out", "cert.pem");
  server = https.createServer({ key: readFileSync(path.join(dir, "key.pem")), cert: readFileSync(path.join(dir, "cert.pem")) }, (_request, response) => {
    response.writeHead(200, { "Content-Type": "text/xml" }).end("<ok/>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

  // An organisation's own CA, and the Exchange server's certificate it signed.
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=Contoso Root CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign", "-keyout", "ca.key", "-out", "ca.pem");
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "exchange.key", "-out", "exchange.csr");
  writeFileSync(path.join(dir, "exchange.ext"), "subjectAltName=IP:127.0.0.1\n");
  openssl("x509", "-req", "-in", "exchange.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1", "-extfile", "exchange.ext", "-out", "exchange.pem");
  privateCa = await startFakeEws({ tls: { key: readFileSync(path.join(dir, "exchange.key")), cert: readFileSync(path.join(dir, "exchange.pem")) } });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await privateCa.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Node reads NODE_EXTRA_CA_CERTS once, when it starts: the connection test runs in a process of its
 * own, started with or without the variable, and prints its result.
 */
async function testInChildProcess(serverUrl: string, extraCa: string | null): Promise<unknown> {
  const probe = path.join(dir, "probe.mts");
  writeFileSync(
    probe,
    `import { testEwsConnection } from ${JSON.stringify(path.resolve("lib/providers/ews/connection-test.ts"))};
console.log(JSON.stringify(await testEwsConnection({ login: "CONTOSO\\\\alice", password: "secret", serverUrl: process.argv[2], env: { EWS_ALLOWED_HOSTS: "127.0.0.1" } })));`,
  );
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  if (extraCa) env.NODE_EXTRA_CA_CERTS = extraCa;
  const { stdout } = await promisify(execFile)(path.resolve("node_modules/.bin/tsx"), ["--tsconfig", "tsconfig.json", probe, serverUrl], { env, timeout: 60_000 });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "null");
}

describe("testEwsConnection over TLS", () => {
  it("refuses a certificate no trusted authority signed, and never turns verification off", async () => {
    const { port } = server.address() as AddressInfo;
    const result = await testEwsConnection({ login: "CONTOSO\\alice", password: "secret", serverUrl: `https://127.0.0.1:${port}/EWS/Exchange.asmx`, env: { EWS_ALLOWED_HOSTS: "127.0.0.1" } });
    expect(result).toMatchObject({ ok: false, reason: "tls-untrusted" });
  });

  it("trusts a server whose certificate a private CA signed once NODE_EXTRA_CA_CERTS names that CA, and only then", async () => {
    expect(await testInChildProcess(privateCa.ewsUrl, null)).toMatchObject({ ok: false, reason: "tls-untrusted" });
    expect(await testInChildProcess(privateCa.ewsUrl, path.join(dir, "ca.pem"))).toMatchObject({ ok: true, serverUrl: privateCa.ewsUrl, calendarFolderId: "AAMkAGFakeCalendar" });
  }, 120_000);
});
