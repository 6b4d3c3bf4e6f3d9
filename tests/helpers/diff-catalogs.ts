import type { Catalog } from "./expected-catalog";

/** Every way the database differs from the schema, one line each; empty when they agree. */
export function diffCatalogs(expected: Catalog, actual: Catalog): string[] {
  const problems: string[] = [];
  for (const key of ["columns", "indexes", "foreignKeys", "enums"] as const) {
    const want = expected[key] as Map<string, unknown>;
    const have = actual[key] as Map<string, unknown>;
    for (const [name, definition] of want) {
      if (!have.has(name)) problems.push(`${key}: ${name} is declared in schema.prisma but missing from the database`);
      else if (JSON.stringify(have.get(name)) !== JSON.stringify(definition)) {
        problems.push(`${key}: ${name} differs — schema ${JSON.stringify(definition)}, database ${JSON.stringify(have.get(name))}`);
      }
    }
    for (const name of have.keys()) {
      if (!want.has(name)) problems.push(`${key}: ${name} exists in the database but not in schema.prisma`);
    }
  }
  return problems;
}
