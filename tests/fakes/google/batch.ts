// Google's batch endpoint (POST /batch/calendar/v3): a multipart/mixed body whose parts are whole
// HTTP requests with path-only URLs; the answer is multipart/mixed too, one part per call, in
// request order, each Content-ID echoed as `response-<id>` (batch guide).
import type { CallResult } from "./google-error";

/** Google refuses batches of more than 1000 calls. */
export const MAX_BATCH_CALLS = 1000;

export interface InnerRequest {
  contentId: string;
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: unknown;
}

export function boundaryOf(contentType: string): string | null {
  return /boundary=("?)([^";]+)\1/.exec(contentType)?.[2] ?? null;
}

export function parseBatchRequest(raw: string, boundary: string): InnerRequest[] {
  return raw
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part, index) => {
      const [outer = "", ...rest] = part.replace(/^\r\n/, "").split("\r\n\r\n");
      const contentId = /content-id:\s*<?([^>\r\n]+)>?/i.exec(outer)?.[1] ?? String(index + 1);
      const [head = "", ...bodyParts] = rest.join("\r\n\r\n").split("\r\n\r\n");
      const [requestLine = "", ...headerLines] = head.split("\r\n");
      const [method = "GET", target = "/"] = requestLine.split(" ");
      const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(":")).trim().toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]));
      const bodyText = bodyParts.join("\r\n\r\n").trim();
      return { contentId, method, url: new URL(target, "http://fake"), headers, body: bodyText ? JSON.parse(bodyText) : undefined };
    });
}

export function formatBatchResponse(answers: { contentId: string; result: CallResult }[], boundary: string): string {
  const parts = answers.map(({ contentId, result }) => {
    const headers = Object.entries(result.headers ?? {})
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join("");
    const payload = result.body === undefined ? "" : JSON.stringify(result.body);
    return `--${boundary}\r\nContent-Type: application/http\r\nContent-ID: <response-${contentId}>\r\n\r\nHTTP/1.1 ${result.status} ${result.status < 300 ? "OK" : "Error"}\r\nContent-Type: application/json; charset=UTF-8\r\n${headers}\r\n${payload}\r\n`;
  });
  return `${parts.join("")}--${boundary}--\r\n`;
}
