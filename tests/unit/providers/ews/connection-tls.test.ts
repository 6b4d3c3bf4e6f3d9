import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testEwsConnection } from "@/lib/providers/ews/connection-test";

let server: https.Server;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "ews-tls-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")], { stdio: "ignore" });
  server = https.createServer({ key: readFileSync(path.join(dir, "key.pem")), cert: readFileSync(path.join(dir, "cert.pem")) }, (_request, response) => {
    response.writeHead(200, { "Content-Type": "text/xml" }).end("<ok/>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe("testEwsConnection over TLS", () => {
  it("refuses a certificate no trusted authority signed, and never turns verification off", async () => {
    const { port } = server.address() as AddressInfo;
    const result = await testEwsConnection({ login: "CONTOSO\\alice", password: "secret", serverUrl: `https://127.0.0.1:${port}/EWS/Exchange.asmx`, env: { EWS_ALLOWED_HOSTS: "127.0.0.1" } });
    expect(result).toMatchObject({ ok: false, reason: "tls-untrusted" });
  });
});
