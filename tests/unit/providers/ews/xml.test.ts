import { describe, expect, it } from "vitest";
import { escapeXml } from "@/lib/providers/ews/xml";

describe("escapeXml", () => {
  it("escapes markup characters and quotes", () => {
    expect(escapeXml(`A & B <c> "d" 'e'`)).toBe("A &amp; B &lt;c&gt; &quot;d&quot; &apos;e&apos;");
  });

  it("keeps emoji, right-to-left text, tabs and newlines", () => {
    const text = "Réunion 🎉 שלום مرحبا\u200F\tline\nnext";
    expect(escapeXml(text)).toBe(text);
  });

  it("keeps a carriage return as a character reference so the parser does not fold it", () => {
    expect(escapeXml("a\r\nb")).toBe("a&#13;\nb");
  });

  it("drops control characters and lone surrogates XML 1.0 forbids", () => {
    expect(escapeXml("a\u0000b\u0007c\u001Fd\uFFFEe\uD800f")).toBe("abcdef");
    expect(escapeXml("\uD83D\uDE00")).toBe("\uD83D\uDE00");
  });
});
