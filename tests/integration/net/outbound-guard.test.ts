import { createServer, isIP, type AddressInfo, type Server, type Socket } from "node:net";
import { networkInterfaces } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkOutboundUrl, outboundRequest, UNREACHABLE_MESSAGE, type OutboundPolicy, type Resolver } from "@/lib/net/outbound";
import { isPublicAddress } from "@/lib/net/public-address";

// A listener on every local address (IPv4 and IPv6): any connection the guard let through to this
// host — loopback, "this network", the host's own interface addresses — would land here.
let listener: Server;
let port: number;
let connections = 0;
const sockets = new Set<Socket>();

beforeAll(async () => {
  listener = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.end("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
  });
  await new Promise<void>((resolve) => listener.listen({ port: 0, host: "::", ipv6Only: false }, resolve));
  port = (listener.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => listener.close(() => resolve()));
});

const answer = (address: string): Resolver => async () => [{ address, family: isIP(address) }];

async function refusal(url: string, policy: OutboundPolicy): Promise<string> {
  try {
    await outboundRequest({ url: new URL(url), policy, method: "GET", headers: {}, timeoutMs: 5_000 });
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return "connected";
}

const SPECIAL_PURPOSE: [string, string][] = [
  ["this network 0/8", "0.0.0.0"],
  ["this network 0/8 (other)", "0.1.2.3"],
  ["private 10/8", "10.1.2.3"],
  ["shared address space 100.64/10", "100.64.0.1"],
  ["loopback 127/8", "127.0.0.1"],
  ["loopback 127/8 (other)", "127.1.2.3"],
  ["link-local / cloud metadata", "169.254.169.254"],
  ["private 172.16/12", "172.16.0.1"],
  ["IETF protocol assignments 192.0.0/24", "192.0.0.8"],
  ["documentation TEST-NET-1", "192.0.2.10"],
  ["AS112", "192.31.196.1"],
  ["AMT", "192.52.193.1"],
  ["6to4 relay anycast", "192.88.99.1"],
  ["private 192.168/16", "192.168.1.1"],
  ["direct delegation AS112", "192.175.48.1"],
  ["benchmarking 198.18/15", "198.18.0.1"],
  ["documentation TEST-NET-2", "198.51.100.7"],
  ["documentation TEST-NET-3", "203.0.113.9"],
  ["multicast", "224.0.0.1"],
  ["multicast (SSDP)", "239.255.255.250"],
  ["reserved 240/4", "240.0.0.1"],
  ["limited broadcast", "255.255.255.255"],
  ["IPv6 unspecified", "::"],
  ["IPv6 loopback", "::1"],
  ["IPv4-mapped loopback", "::ffff:127.0.0.1"],
  ["IPv4-mapped private", "::ffff:10.0.0.1"],
  ["IPv4-compatible loopback", "::127.0.0.1"],
  ["IPv4/IPv6 translation (RFC 6145)", "::ffff:0:7f00:1"],
  ["NAT64 of a private address", "64:ff9b::a00:1"],
  ["NAT64 of loopback", "64:ff9b::7f00:1"],
  ["NAT64 local-use prefix", "64:ff9b:1::1"],
  ["discard-only 100::/64", "100::1"],
  ["Teredo", "2001:0:4136:e378:8000:63bf:3fff:fdd2"],
  ["benchmarking 2001:2::/48", "2001:2::1"],
  ["documentation 2001:db8::/32", "2001:db8::1"],
  ["ORCHIDv2", "2001:20::1"],
  ["6to4 of a private address", "2002:a00:1::1"],
  ["6to4 of loopback", "2002:7f00:1::1"],
  ["documentation 3fff::/20", "3fff::1"],
  ["segment routing 5f00::/16", "5f00::1"],
  ["unique local fc00::/7", "fd12::1"],
  ["link-local fe80::/10", "fe80::1"],
  ["site-local fec0::/10", "fec0::1"],
  ["IPv6 multicast", "ff02::1"],
];

const OWN = Object.values(networkInterfaces())
  .flatMap((entries) => entries ?? [])
  .map((entry) => entry.address);

describe("the outbound guard", () => {
  it.each(SPECIAL_PURPOSE)("refuses a name that resolves to %s (%s) with the one message, connecting nowhere", async (_label, address) => {
    expect(isPublicAddress(address)).toBe(false);
    const before = connections;
    expect(await refusal(`http://target.example.com:${port}/`, { allowHttp: true, resolve: answer(address) })).toBe(UNREACHABLE_MESSAGE);
    const literal = address.includes(":") ? `[${address}]` : address;
    expect(await refusal(`http://${literal}:${port}/`, { allowHttp: true })).toBe(UNREACHABLE_MESSAGE);
    expect(connections).toBe(before);
  });

  it("refuses every address of this host's own interfaces, not only loopback", async () => {
    expect(OWN.some((address) => address !== "127.0.0.1" && address !== "::1")).toBe(true);
    for (const address of OWN) {
      expect(isPublicAddress(address), address).toBe(false);
      expect(await refusal(`http://own.example.com:${port}/`, { allowHttp: true, resolve: answer(address) }), address).toBe(UNREACHABLE_MESSAGE);
    }
    expect(connections).toBe(0);
  });

  it("says the same when the name does not resolve or nothing listens, so ports and hosts cannot be told apart", async () => {
    const noName: Resolver = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
    };
    expect(await refusal("http://nowhere.example.com/", { allowHttp: true, resolve: noName })).toBe(UNREACHABLE_MESSAGE);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const allowed = { allowHttp: true, allowedHosts: new Set(["127.0.0.1"]) };
    expect(await refusal(`http://127.0.0.1:${closedPort}/`, allowed)).toBe(UNREACHABLE_MESSAGE);
  });

  it("reaches a local host the administrator allowed by name (the listener does count connections)", async () => {
    const before = connections;
    const answered = await outboundRequest({
      url: new URL(`http://exchange.internal:${port}/`),
      policy: { allowHttp: true, allowedHosts: new Set(["exchange.internal"]), resolve: answer("127.0.0.1") },
      method: "GET",
      headers: {},
    });
    expect(answered).toMatchObject({ status: 200, body: "ok" });
    expect(connections).toBe(before + 1);
  });

  it("checks the DNS answer where the socket connects: a name that rebinds to loopback after the check is refused", async () => {
    let asked = 0;
    const rebinding: Resolver = async () => {
      asked += 1;
      return [{ address: asked === 1 ? "93.184.216.34" : "127.0.0.1", family: 4 }];
    };
    const policy = { allowHttp: true, resolve: rebinding };
    const url = await checkOutboundUrl(`http://rebind.example.com:${port}/`, policy);
    const before = connections;
    expect(await refusal(url.toString(), policy)).toBe(UNREACHABLE_MESSAGE);
    expect(asked).toBe(2);
    expect(connections).toBe(before);
  });

  it("admits global unicast, also written as IPv4-mapped or NAT64", () => {
    for (const address of ["8.8.8.8", "40.99.10.2", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"]) expect(isPublicAddress(address, new Set()), address).toBe(true);
    expect(isPublicAddress("not-an-ip")).toBe(false);
  });
});
