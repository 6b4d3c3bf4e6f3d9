// Runs the fake Microsoft Graph as its own process: for the Playwright suite and the benchmark.
// FAKE_GRAPH_PORT picks the port (0: a free one); the address is printed.
import { startFakeGraph } from "./server";

const graph = await startFakeGraph({ port: Number(process.env.FAKE_GRAPH_PORT ?? 4300) });
console.log(`Fake Microsoft Graph listening at ${graph.url}`);
const stop = () => void graph.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
