import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import md4 from "js-md4";

/**
 * The server half of NTLMv2, as IIS does it for Exchange: a Type 2 challenge answering a Type 1,
 * and a Type 3 checked against the password. MD4 is pure JS: Node's OpenSSL 3 has none.
 */
const SIGNATURE = Buffer.from("NTLMSSP\0", "ascii");
// UNICODE | REQUEST_TARGET | NTLM | TARGET_TYPE_DOMAIN | EXTENDED_SESSIONSECURITY | TARGET_INFO
const FLAGS = 0x00000001 | 0x00000004 | 0x00000200 | 0x00010000 | 0x00080000 | 0x00800000;

/** An NTLM message, under the NTLM scheme or raw inside Negotiate (as Windows clients send it to IIS without Kerberos). */
export function messageType(header: string | undefined): { word: "NTLM" | "Negotiate"; type: number; message: Buffer } | null {
  const match = /^(NTLM|Negotiate) (\S+)$/.exec(header ?? "");
  if (!match?.[1] || !match[2]) return null;
  const message = Buffer.from(match[2], "base64");
  if (message.length < 12 || !message.subarray(0, 8).equals(SIGNATURE)) return null;
  return { word: match[1] === "NTLM" ? "NTLM" : "Negotiate", type: message.readUInt32LE(8), message };
}

export function type2(domain: string, word: "NTLM" | "Negotiate"): { header: string; challenge: Buffer } {
  const challenge = randomBytes(8);
  const target = Buffer.from(domain, "utf16le");
  const avDomain = Buffer.concat([Buffer.from([2, 0]), Buffer.from([target.length & 0xff, target.length >> 8]), target]);
  const info = Buffer.concat([avDomain, Buffer.from([0, 0, 0, 0])]);
  const head = Buffer.alloc(48);
  SIGNATURE.copy(head, 0);
  head.writeUInt32LE(2, 8);
  head.writeUInt16LE(target.length, 12);
  head.writeUInt16LE(target.length, 14);
  head.writeUInt32LE(48, 16);
  head.writeUInt32LE(FLAGS, 20);
  challenge.copy(head, 24);
  head.writeUInt16LE(info.length, 40);
  head.writeUInt16LE(info.length, 42);
  head.writeUInt32LE(48 + target.length, 44);
  return { header: `${word} ${Buffer.concat([head, target, info]).toString("base64")}`, challenge };
}

function field(message: Buffer, offset: number): Buffer {
  const length = message.readUInt16LE(offset);
  const start = message.readUInt32LE(offset + 4);
  return message.subarray(start, start + length);
}

/** The login (`DOMAIN\user`, or the UPN alone) a Type 3 proves it knows the password of, or null. */
export function verifyType3(message: Buffer, challenge: Buffer, passwordOf: (login: string) => string | undefined): string | null {
  if (message.length < 52) return null;
  const nt = field(message, 20);
  const domain = field(message, 28).toString("utf16le");
  const user = field(message, 36).toString("utf16le");
  const login = domain ? `${domain}\\${user}` : user;
  const password = passwordOf(login);
  if (password === undefined || nt.length <= 24) return null;
  const ntHash = Buffer.from(md4.arrayBuffer(Buffer.from(password, "utf16le")));
  const v2Hash = createHmac("md5", ntHash).update(Buffer.from(user.toUpperCase() + domain, "utf16le")).digest();
  const proof = createHmac("md5", v2Hash).update(Buffer.concat([challenge, nt.subarray(16)])).digest();
  return timingSafeEqual(proof, nt.subarray(0, 16)) ? login : null;
}
