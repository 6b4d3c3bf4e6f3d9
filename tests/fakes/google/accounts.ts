/** The fake Google's OAuth client and the Google accounts a user can pick on its consent page. */
export const FAKE_CLIENT = { clientId: "calendar-sync-demo.apps.googleusercontent.com", clientSecret: "demo-client-secret" };
export const FAKE_ACCOUNTS = ["ada.lovelace@gmail.com", "alan.turing@gmail.com", "grace.hopper@gmail.com", "katherine.johnson@gmail.com"];
