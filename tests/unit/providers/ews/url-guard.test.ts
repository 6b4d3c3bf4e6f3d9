import { describe, expect, it } from "vitest";
import { guardServerUrl } from "@/lib/providers/ews/url-guard";

const publicDns = async () => [{ address: "40.99.10.2", family: 4 }];

describe("guardServerUrl", () => {
  it("accepts an https address on a public host", async () => {
    const result = await guardServerUrl("https://mail.contoso.com/EWS/Exchange.asmx", { env: {}, resolve: publicDns });
    expect(result).toMatchObject({ ok: true });
  });

  it("refuses text that is not a URL", async () => {
    expect(await guardServerUrl("mail contoso", { env: {}, resolve: publicDns })).toMatchObject({ ok: false, reason: "invalid-url" });
  });

  it("refuses credentials embedded in the address", async () => {
    expect(await guardServerUrl("https://bob:pw@mail.contoso.com/EWS/Exchange.asmx", { env: {}, resolve: publicDns })).toMatchObject({ ok: false, reason: "invalid-url" });
  });

  it("refuses plain http unless EWS_ALLOW_HTTP=1", async () => {
    expect(await guardServerUrl("http://mail.contoso.com/EWS/Exchange.asmx", { env: {}, resolve: publicDns })).toMatchObject({ ok: false, reason: "insecure-scheme" });
    expect(await guardServerUrl("ftp://mail.contoso.com/", { env: { EWS_ALLOW_HTTP: "1" }, resolve: publicDns })).toMatchObject({ ok: false, reason: "insecure-scheme" });
    expect(await guardServerUrl("http://mail.contoso.com/EWS/Exchange.asmx", { env: { EWS_ALLOW_HTTP: "1" }, resolve: publicDns })).toMatchObject({ ok: true });
  });

  it.each([
    ["loopback", "127.0.0.1"],
    ["private 10/8", "10.1.2.3"],
    ["private 172.16/12", "172.20.0.5"],
    ["private 192.168/16", "192.168.1.10"],
    ["link-local / cloud metadata", "169.254.169.254"],
    ["IPv6 loopback", "::1"],
    ["IPv6 unique local", "fd12::1"],
    ["IPv6 link-local", "fe80::1"],
    ["IPv4-mapped IPv6 loopback", "::ffff:127.0.0.1"],
  ])("refuses a host resolving to %s", async (_label, address) => {
    const resolve = async () => [{ address, family: address.includes(":") ? 6 : 4 }];
    expect(await guardServerUrl("https://exchange.internal/EWS/Exchange.asmx", { env: {}, resolve })).toMatchObject({ ok: false, reason: "unreachable" });
  });

  it("refuses when any one of several addresses is private", async () => {
    const resolve = async () => [
      { address: "40.99.10.2", family: 4 },
      { address: "10.0.0.7", family: 4 },
    ];
    expect(await guardServerUrl("https://mail.contoso.com/EWS/Exchange.asmx", { env: {}, resolve })).toMatchObject({ ok: false, reason: "unreachable" });
  });

  it("refuses a literal private IP in the URL", async () => {
    expect(await guardServerUrl("https://[::1]/EWS/Exchange.asmx", { env: {} })).toMatchObject({ ok: false, reason: "unreachable" });
    expect(await guardServerUrl("https://169.254.169.254/latest/meta-data", { env: {} })).toMatchObject({ ok: false, reason: "unreachable" });
  });

  it("admits a private host the admin lists in EWS_ALLOWED_HOSTS", async () => {
    const resolve = async () => [{ address: "10.0.0.7", family: 4 }];
    const env = { EWS_ALLOWED_HOSTS: " Exchange.Internal , other.host" };
    expect(await guardServerUrl("https://exchange.internal/EWS/Exchange.asmx", { env, resolve })).toMatchObject({ ok: true });
  });

  it("reports a DNS failure as unreachable, like a refused address", async () => {
    const resolve = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
    };
    expect(await guardServerUrl("https://nowhere.invalid/EWS/Exchange.asmx", { env: {}, resolve })).toMatchObject({ ok: false, reason: "unreachable" });
  });
});
