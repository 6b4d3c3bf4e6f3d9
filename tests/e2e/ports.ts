// Where the app and its fakes listen during the Playwright run; the config starts them, specs steer them.
export const port = Number(process.env.E2E_PORT ?? 3100);
export const baseURL = `http://localhost:${port}`;
/** The fake Google (tests/fakes/google). */
export const google = `http://127.0.0.1:${Number(process.env.E2E_GOOGLE_PORT ?? port + 1000)}`;
/** Two fake Exchange servers (tests/fakes/ews): one stands for Office 365, one for an on-premises server. */
export const fakeExchanges = {
  office: { ews: port + 1100, control: port + 1101 },
  exchange: { ews: port + 1200, control: port + 1201 },
};
export const ewsUrl = (ports: { ews: number }) => `http://127.0.0.1:${ports.ews}/EWS/Exchange.asmx`;
