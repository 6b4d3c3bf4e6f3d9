import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { autodiscoverEwsUrl } from "@/lib/providers/ews/autodiscover";
import { testEwsConnection } from "@/lib/providers/ews/connection-test";
import { openEwsCalendar } from "@/lib/providers/ews/ews-calendar";
import { startFakeEws, type FakeEws } from "@/tests/fakes/ews/server";

const env = { EWS_ALLOW_HTTP: "1", EWS_ALLOWED_HOSTS: "127.0.0.1" };
let fake: FakeEws;

beforeAll(async () => {
  fake = await startFakeEws();
});
afterAll(async () => {
  await fake.close();
});

describe("testEwsConnection", () => {
  it("signs in with DOMAIN\\user, finds the calendar and reads the server version", async () => {
    const result = await testEwsConnection({ login: "CONTOSO\\alice", password: "secret", serverUrl: fake.ewsUrl, env });
    expect(result).toEqual({ ok: true, serverUrl: fake.ewsUrl, serverVersion: "V2017_07_11", calendarFolderId: "AAMkAGFakeCalendar", authentication: "basic" });
  });

  it("signs in with user@domain", async () => {
    expect(await testEwsConnection({ login: "alice@contoso.test", password: "secret", serverUrl: fake.ewsUrl, env })).toMatchObject({ ok: true });
  });

  it("refuses a wrong password", async () => {
    expect(await testEwsConnection({ login: "CONTOSO\\alice", password: "nope", serverUrl: fake.ewsUrl, env })).toMatchObject({ ok: false, reason: "credentials-rejected" });
  });

  it("explains that Office.com no longer takes passwords for EWS unless the tenant allows it", async () => {
    const port = new URL(fake.url).port;
    const result = await testEwsConnection({
      login: "alice@contoso.onmicrosoft.com",
      password: "secret",
      serverUrl: `http://outlook.office365.com:${port}/EWS/Exchange.asmx`,
      env: { EWS_ALLOW_HTTP: "1", EWS_ALLOWED_HOSTS: "outlook.office365.com" },
      // The connection goes to the address the guard checked, whatever the host name says.
      resolve: async () => [{ address: "127.0.0.1", family: 4 }],
    });
    expect(result).toMatchObject({ ok: false, reason: "credentials-rejected", message: expect.stringContaining("Exchange Online no longer accepts passwords") });
  });

  it("reads Exchange 2007's version from its numbers, as its ServerVersionInfo names none", async () => {
    const exchange2007 = await startFakeEws({ version: { major: 8, minor: 1, build: 240, revision: 6, name: "Exchange2007_SP1" } });
    try {
      expect(await testEwsConnection({ login: "CONTOSO\\alice", password: "secret", serverUrl: exchange2007.ewsUrl, env })).toMatchObject({ ok: true, serverVersion: "Exchange2007_SP1" });
      expect(exchange2007.requestLog.at(-1)?.body).toContain('Version="Exchange2007_SP1"');
    } finally {
      await exchange2007.close();
    }
  });

  it("explains the Office.com password refusal even when Exchange Online offers only Bearer, and points to Sign in with Microsoft", async () => {
    const online = await startFakeEws({ authSchemes: ["Bearer"] });
    try {
      const result = await testEwsConnection({
        login: "alice@contoso.onmicrosoft.com",
        password: "secret",
        serverUrl: `http://outlook.office.com:${new URL(online.url).port}/EWS/Exchange.asmx`,
        env: { EWS_ALLOW_HTTP: "1", EWS_ALLOWED_HOSTS: "outlook.office.com" },
        resolve: async () => [{ address: "127.0.0.1", family: 4 }],
      });
      expect(result).toMatchObject({ ok: false, reason: "credentials-rejected", message: expect.stringMatching(/Exchange Online no longer accepts passwords.*Sign in with Microsoft/) });
      expect(online.requestLog).toHaveLength(1);
      // The same Bearer-only answer from an on-premises host is a sign-in method this form cannot use.
      expect(await testEwsConnection({ login: "CONTOSO\\alice", password: "secret", serverUrl: online.ewsUrl, env })).toMatchObject({ ok: false, reason: "unsupported-authentication" });
    } finally {
      await online.close();
    }
  });

  it("refuses a server that redirects to another host, without following it", async () => {
    const elsewhere = await startFakeEws();
    const moved = await startFakeEws();
    moved.redirectTo(elsewhere.ewsUrl);
    try {
      const result = await testEwsConnection({ login: "CONTOSO\\alice", password: "secret", serverUrl: moved.ewsUrl, env });
      expect(result).toMatchObject({ ok: false, reason: "not-ews", message: `The server redirects elsewhere (${elsewhere.ewsUrl}); enter the EWS address itself.` });
      expect(elsewhere.requestLog).toEqual([]);
    } finally {
      await Promise.all([moved.close(), elsewhere.close()]);
    }
  });

  it("stops reading an answer over the size cap", async () => {
    fake.padAnswers(200_000);
    try {
      expect(await testEwsConnection({ login: "CONTOSO\\alice", password: "secret", serverUrl: fake.ewsUrl, env, maxBytes: 100_000 })).toMatchObject({
        ok: false,
        reason: "not-ews",
        message: expect.stringContaining("larger than the 98 KB allowed"),
      });
      expect(await testEwsConnection({ login: "CONTOSO\\alice", password: "secret", serverUrl: fake.ewsUrl, env, maxBytes: 300_000 })).toMatchObject({ ok: true });
    } finally {
      fake.padAnswers(0);
    }
  });

  it("refuses a server that answers with HTML", async () => {
    const html = await startFakeEws({ htmlOnly: true });
    try {
      expect(await testEwsConnection({ login: "CONTOSO\\alice", password: "secret", serverUrl: html.ewsUrl, env })).toMatchObject({ ok: false, reason: "not-ews" });
    } finally {
      await html.close();
    }
  });

  it("refuses a path that is not the EWS endpoint", async () => {
    expect(await testEwsConnection({ login: "CONTOSO\\alice", password: "secret", serverUrl: `${fake.url}/owa/`, env })).toMatchObject({ ok: false, reason: "not-ews" });
  });

  it("signs in with NTLM when the server's challenge offers no Basic", async () => {
    const ntlm = await startFakeEws({ authSchemes: ["NTLM", "Negotiate"] });
    try {
      expect(await testEwsConnection({ login: "CONTOSO\\alice", password: "secret", serverUrl: ntlm.ewsUrl, env })).toMatchObject({ ok: true, authentication: "ntlm", calendarFolderId: "AAMkAGFakeCalendar" });
      expect(await testEwsConnection({ login: "alice@contoso.test", password: "secret", serverUrl: ntlm.ewsUrl, env })).toMatchObject({ ok: true, authentication: "ntlm" });
      expect(await testEwsConnection({ login: "CONTOSO\\alice", password: "wrong", serverUrl: ntlm.ewsUrl, env })).toMatchObject({ ok: false, reason: "credentials-rejected" });
    } finally {
      await ntlm.close();
    }
  });

  it("refuses a server that asks for a scheme it cannot speak", async () => {
    const kerberos = await startFakeEws({ authSchemes: [] });
    try {
      expect(await testEwsConnection({ login: "CONTOSO\\alice", password: "secret", serverUrl: kerberos.ewsUrl, env })).toMatchObject({ ok: false, reason: "unsupported-authentication" });
    } finally {
      await kerberos.close();
    }
  });

  it("refuses an unreachable host", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    expect(await testEwsConnection({ login: "a", password: "b", serverUrl: `http://127.0.0.1:${port}/EWS/Exchange.asmx`, env })).toMatchObject({ ok: false, reason: "unreachable" });
  });

  it("gives up on a server that does not answer in time", async () => {
    const slow = await startFakeEws({ delayMs: 2_000 });
    try {
      expect(await testEwsConnection({ login: "CONTOSO\\alice", password: "secret", serverUrl: slow.ewsUrl, env, timeoutMs: 200 })).toMatchObject({ ok: false, reason: "unreachable" });
    } finally {
      await slow.close();
    }
  });

  it("refuses a private address that is not allow-listed, without connecting", async () => {
    const before = fake.requestLog.length;
    expect(await testEwsConnection({ login: "CONTOSO\\alice", password: "secret", serverUrl: fake.ewsUrl, env: { EWS_ALLOW_HTTP: "1" } })).toMatchObject({ ok: false, reason: "unreachable" });
    expect(fake.requestLog.length).toBe(before);
  });

  it("refuses plain http without the test switch", async () => {
    expect(await testEwsConnection({ login: "CONTOSO\\alice", password: "secret", serverUrl: fake.ewsUrl, env: { EWS_ALLOWED_HOSTS: "127.0.0.1" } })).toMatchObject({ ok: false, reason: "insecure-scheme" });
  });

  it("asks for the distinguished calendar folder", async () => {
    await testEwsConnection({ login: "CONTOSO\\alice", password: "secret", serverUrl: fake.ewsUrl, env });
    expect(fake.requestLog.at(-1)?.body).toContain('<t:DistinguishedFolderId Id="calendar"/>');
  });
});

describe("autodiscoverEwsUrl", () => {
  it("finds the EWS address from the first candidate that answers", async () => {
    const result = await autodiscoverEwsUrl({
      email: "alice@contoso.test",
      password: "secret",
      env,
      candidates: [`${fake.url}/missing/autodiscover.xml`, fake.autodiscoverUrl],
    });
    expect(result).toEqual({ ok: true, ewsUrl: fake.ewsUrl, foundAt: fake.autodiscoverUrl });
  });

  it("tries autodiscover.<domain> and then <domain> by default", async () => {
    const result = await autodiscoverEwsUrl({ email: "alice@contoso.test", password: "secret", env: {}, resolve: async () => [{ address: "10.0.0.1", family: 4 }] });
    expect(result).toMatchObject({
      ok: false,
      reason: "not-found",
      tried: ["https://autodiscover.contoso.test/autodiscover/autodiscover.xml", "https://contoso.test/autodiscover/autodiscover.xml"],
    });
  });

  it("signs in with NTLM when the server's challenge offers no Basic", async () => {
    const ntlm = await startFakeEws({ authSchemes: ["NTLM"] });
    try {
      expect(await autodiscoverEwsUrl({ email: "alice@contoso.test", password: "secret", env, candidates: [ntlm.autodiscoverUrl] })).toEqual({ ok: true, ewsUrl: ntlm.ewsUrl, foundAt: ntlm.autodiscoverUrl });
      expect(ntlm.requestLog.map((entry) => entry.scheme)).toEqual(["Basic", "NTLM", "NTLM"]);
    } finally {
      await ntlm.close();
    }
  });

  it("reports a refused login or password as such, over Basic and NTLM, not as not found", async () => {
    const ntlm = await startFakeEws({ authSchemes: ["NTLM"] });
    try {
      for (const server of [fake, ntlm]) {
        expect(await autodiscoverEwsUrl({ email: "alice@contoso.test", password: "wrong", env, candidates: [server.autodiscoverUrl] })).toMatchObject({
          ok: false,
          reason: "credentials-rejected",
          message: expect.stringContaining("refused the login or password"),
        });
      }
    } finally {
      await ntlm.close();
    }
  });

  it("sends NTLM inside Negotiate to a server that offers only Negotiate, for Autodiscover, the connection test and EWS calls", async () => {
    const negotiate = await startFakeEws({ authSchemes: ["Negotiate"] });
    try {
      expect(await autodiscoverEwsUrl({ email: "alice@contoso.test", password: "secret", env, candidates: [negotiate.autodiscoverUrl] })).toMatchObject({ ok: true, ewsUrl: negotiate.ewsUrl });
      expect(await testEwsConnection({ login: "CONTOSO\\alice", password: "secret", serverUrl: negotiate.ewsUrl, env })).toMatchObject({ ok: true, authentication: "ntlm" });
      expect(await testEwsConnection({ login: "CONTOSO\\alice", password: "wrong", serverUrl: negotiate.ewsUrl, env })).toMatchObject({ ok: false, reason: "credentials-rejected" });
      // A sync run knows only "ntlm" from the connection test: the server's refusal of the NTLM word tells it to use Negotiate.
      const calendar = await openEwsCalendar({ serverUrl: negotiate.ewsUrl, login: "CONTOSO\\alice", password: "secret", env, authentication: "ntlm" });
      for await (const page of calendar.listChanges(null)) expect(page.items).toEqual([]);
      expect(negotiate.count("SyncFolderItems")).toBe(1);
      expect(negotiate.requestLog.filter((entry) => entry.scheme === "Negotiate").length).toBeGreaterThan(0);
    } finally {
      await negotiate.close();
    }
  });

  it("needs an email address", async () => {
    expect(await autodiscoverEwsUrl({ email: "CONTOSO\\alice", password: "secret", env })).toMatchObject({ ok: false, reason: "no-email-domain" });
  });
});
