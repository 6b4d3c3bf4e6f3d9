// Prints the test files whose imports reach the database client (lib/db/client.ts), for CI's second
// pass on PostgreSQL: the other files never open a database, and the first pass already ran them.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");
const target = path.join(root, "lib/db/client.ts");
const specifier = /(?:from\s+|import\s*\(\s*|import\s+)["']([^"']+)["']/g;

function resolve(from, spec) {
  let base;
  if (spec.startsWith("@/")) base = path.join(root, spec.slice(2));
  else if (spec.startsWith(".")) base = path.resolve(path.dirname(from), spec);
  else return null;
  const candidates = [base, `${base}.ts`, `${base}.tsx`, `${base}.mjs`, `${base}.js`, path.join(base, "index.ts")];
  return candidates.find((candidate) => statSync(candidate, { throwIfNoEntry: false })?.isFile()) ?? null;
}

const reaches = new Map();
function reachesDatabase(file, visiting = new Set()) {
  if (file === target) return true;
  if (reaches.has(file)) return reaches.get(file);
  if (visiting.has(file)) return false;
  visiting.add(file);
  let found = false;
  for (const [, spec] of readFileSync(file, "utf8").matchAll(specifier)) {
    const next = resolve(file, spec);
    if (next && reachesDatabase(next, visiting)) {
      found = true;
      break;
    }
  }
  visiting.delete(file);
  // A file left undecided because of an import cycle is not cached: another path may decide it.
  if (found || visiting.size === 0) reaches.set(file, found);
  return found;
}

const files = ["tests/unit", "tests/integration"]
  .flatMap((dir) => readdirSync(path.join(root, dir), { recursive: true }).map((file) => path.join(dir, String(file))))
  .filter((file) => file.endsWith(".test.ts"))
  .sort();
for (const file of files) if (reachesDatabase(path.join(root, file))) console.log(file);
