// The part of OData $filter that a calendar sync sends to /me/events: comparisons of
// lastModifiedDateTime, start/dateTime, end/dateTime and type, `and`/`or`/parentheses, and
// singleValueExtendedProperties/any(ep: ep/id eq '…' and ep/value eq '…'). Anything else is a 400,
// as Graph answers a filter it cannot apply.
import type { StoredEvent } from "./mailbox";

export class FilterError extends Error {}

type Node =
  | { kind: "and" | "or"; left: Node; right: Node }
  | { kind: "compare"; path: string; op: string; value: string }
  | { kind: "any"; id: string | null; value: string | null };

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const pattern = /\s*('(?:[^']|'')*'|\(|\)|,|[A-Za-z_][\w/]*:?|[\d][\d\-:.TZ+]*)/y;
  let at = 0;
  while (at < text.length) {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (!match || match[0].length === 0) {
      if (text.slice(at).trim() === "") break;
      throw new FilterError(`Invalid filter clause near '${text.slice(at, at + 20)}'.`);
    }
    tokens.push(match[1] ?? "");
    at = pattern.lastIndex;
  }
  return tokens;
}

export function parseFilter(text: string): Node {
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at];
  const take = (expected?: string) => {
    const token = tokens[at++];
    if (token === undefined || (expected !== undefined && token.toLowerCase() !== expected)) throw new FilterError(`Invalid filter: expected ${expected ?? "more"}.`);
    return token;
  };
  const literal = (token: string) => (token.startsWith("'") ? token.slice(1, -1).replace(/''/g, "'") : token);

  const anyClause = (): Node => {
    take("(");
    const variable = take().replace(/:$/, "");
    let id: string | null = null;
    let value: string | null = null;
    for (;;) {
      const path = take();
      const op = take();
      const operand = literal(take());
      if (op !== "eq") throw new FilterError("Only eq is supported inside any().");
      if (path === `${variable}/id`) id = operand;
      else if (path === `${variable}/value`) value = operand;
      else throw new FilterError(`Unknown property ${path} inside any().`);
      if (peek()?.toLowerCase() === "and") {
        take();
        continue;
      }
      break;
    }
    take(")");
    return { kind: "any", id, value };
  };

  const factor = (): Node => {
    const token = take();
    if (token === "(") {
      const inner = expression();
      take(")");
      return inner;
    }
    if (token === "singleValueExtendedProperties/any") return anyClause();
    const op = take().toLowerCase();
    if (!["eq", "ne", "gt", "ge", "lt", "le"].includes(op)) throw new FilterError(`Unknown operator ${op}.`);
    return { kind: "compare", path: token, op, value: literal(take()) };
  };
  const term = (): Node => {
    let node = factor();
    while (peek()?.toLowerCase() === "and") {
      take();
      node = { kind: "and", left: node, right: factor() };
    }
    return node;
  };
  const expression = (): Node => {
    let node = term();
    while (peek()?.toLowerCase() === "or") {
      take();
      node = { kind: "or", left: node, right: term() };
    }
    return node;
  };
  const tree = expression();
  if (at !== tokens.length) throw new FilterError("Invalid filter: unexpected trailing text.");
  return tree;
}

const asInstant = (value: string) => {
  const parsed = Date.parse(/Z$|[+-]\d{2}:\d{2}$/.test(value) ? value : `${value}Z`);
  if (Number.isNaN(parsed)) throw new FilterError(`Not a date: ${value}.`);
  return parsed;
};

function compare(a: number | string, b: number | string, op: string): boolean {
  switch (op) {
    case "eq":
      return a === b;
    case "ne":
      return a !== b;
    case "gt":
      return a > b;
    case "ge":
      return a >= b;
    case "lt":
      return a < b;
    default:
      return a <= b;
  }
}

export function matches(node: Node, item: StoredEvent): boolean {
  switch (node.kind) {
    case "and":
      return matches(node.left, item) && matches(node.right, item);
    case "or":
      return matches(node.left, item) || matches(node.right, item);
    case "any":
      return Object.entries(item.extended).some(([id, value]) => (node.id === null || id.toLowerCase() === node.id.toLowerCase()) && (node.value === null || value === node.value));
    case "compare": {
      // Graph compares start/end in UTC, whatever zone the event was written in.
      const field: Record<string, () => number | string> = {
        lastModifiedDateTime: () => Date.parse(item.lastModifiedDateTime),
        "start/dateTime": () => Date.parse(item.start),
        "end/dateTime": () => Date.parse(item.end),
        type: () => item.type,
        subject: () => item.subject,
      };
      const read = field[node.path];
      if (!read) throw new FilterError(`Filtering on ${node.path} is not supported.`);
      const actual = read();
      return compare(actual, typeof actual === "number" ? asInstant(node.value) : node.value, node.op);
    }
  }
}
