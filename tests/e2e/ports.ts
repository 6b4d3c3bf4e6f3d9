// Where the app and its fakes listen during the Playwright run; the config starts them, specs steer them.
export const port = Number(process.env.E2E_PORT ?? 3100);
export const baseURL = `http://localhost:${port}`;
/**
 * A second app with the embedded scheduler on and short delays, on its own database: background
 * syncs would race the first app's tests of "Sync now", which runs with SYNC_SCHEDULER=off.
 */
export const backgroundBaseURL = `http://localhost:${port + 2}`;
/** How soon the background app syncs after an edit, and how often its scheduler ticks. */
export const backgroundDelays = { afterEditSeconds: 2, tickSeconds: 1 };
/** The fake Google (tests/fakes/google). */
export const google = `http://127.0.0.1:${Number(process.env.E2E_GOOGLE_PORT ?? port + 1000)}`;
/** The fake Microsoft identity platform (tests/fakes/graph/serve.ts): "Sign in with Microsoft". */
export const microsoft = `http://127.0.0.1:${Number(process.env.E2E_GRAPH_PORT ?? port + 1300)}`;
/**
 * Fake Exchange servers (tests/fakes/ews): one stands for Office 365, one for an on-premises server,
 * one for an on-premises server that takes only NTLM (`authSchemes`, the 401's challenge), and one
 * whose mailbox has calendars below its calendar folder (its own, so the others keep one calendar).
 */
export const fakeExchanges: Record<"office" | "exchange" | "ntlm" | "calendars", { ews: number; control: number; authSchemes?: string }> = {
  office: { ews: port + 1100, control: port + 1101 },
  exchange: { ews: port + 1200, control: port + 1201 },
  ntlm: { ews: port + 1400, control: port + 1401, authSchemes: "NTLM" },
  calendars: { ews: port + 1500, control: port + 1501 },
};
export const ewsUrl = (ports: { ews: number }) => `http://127.0.0.1:${ports.ews}/EWS/Exchange.asmx`;
