// `npm run bench [-- --events N] [--json PATH] [--only NAME]`: prints figures; with --json, writes
// them keyed by suite. Measurements, not pass/fail: tests never assert on time.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { calendarSuite } from "./calendar";
import { caldavSuite } from "./caldav";
import { ewsSuite } from "./ews";
import { googleSuite } from "./google";
import { graphSuite } from "./graph";
import { rulesSuite } from "./rules";
import { schedulerSuite } from "./scheduler";
import { traceSuite } from "./trace";
import type { Suite } from "./suite";

const suites: Suite[] = [calendarSuite, googleSuite, ewsSuite, graphSuite, caldavSuite, schedulerSuite, rulesSuite, traceSuite];

const { values } = parseArgs({
  options: { events: { type: "string", default: "10000" }, json: { type: "string" }, only: { type: "string" } },
});
const events = Number(values.events);
if (!Number.isInteger(events) || events < 1) {
  console.error("--events takes a positive whole number.");
  process.exit(2);
}
const chosen = values.only ? suites.filter((suite) => suite.name === values.only) : suites;
if (chosen.length === 0) {
  console.error(`No suite named ${values.only}. Suites: ${suites.map((suite) => suite.name).join(", ")}.`);
  process.exit(2);
}

const report: Record<string, unknown> = {};
for (const suite of chosen) {
  const started = performance.now();
  report[suite.name] = await suite.run({ events, log: (line) => console.log(line) });
  console.log(`${suite.name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
if (values.json) {
  fs.mkdirSync(path.dirname(path.resolve(values.json)), { recursive: true });
  fs.writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`Figures written to ${values.json}`);
}
process.exit(0);
