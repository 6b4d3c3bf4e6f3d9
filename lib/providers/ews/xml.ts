/**
 * The one place text enters an EWS request. XML 1.0 forbids most C0 control characters, lone
 * surrogates and U+FFFE/U+FFFF even as character references, so they are dropped; everything else
 * is escaped so that `&`, `<`, `>` and quotes survive as text in both element content and attributes.
 */
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function stripForbiddenXmlChars(value: string): string {
  return value.replace(FORBIDDEN, "");
}

export function escapeXml(value: string): string {
  return stripForbiddenXmlChars(value)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    // A literal CR would be normalised to LF by the receiving parser.
    .replace(/\r/g, "&#13;");
}
