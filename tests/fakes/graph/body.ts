// Event bodies as Graph keeps them: HTML. A body written as text is stored as the HTML Outlook makes
// of it; reads answer the HTML unless the caller asks for text with
// Prefer: outlook.body-content-type="text".
import { htmlOfText, textOfHtml } from "../html-text";

/** What a create or PATCH stores for its `body` field. */
export function storedBody(body: { content?: string; contentType?: string } | undefined): string {
  const content = String(body?.content ?? "");
  return body?.contentType?.toLowerCase() === "html" ? content : htmlOfText(content);
}

/** The body a read answers with. A body a test stored as plain text (userAdd) is its own text. */
export function renderedBody(stored: string, asText: boolean): { contentType: "text" | "html"; content: string } {
  if (!asText) return { contentType: "html", content: stored };
  return { contentType: "text", content: /<[a-z/!]/i.test(stored) ? textOfHtml(stored) : stored };
}
