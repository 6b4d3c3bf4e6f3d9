import type { MicrosoftFlowFailure } from "@/lib/sync-accounts/microsoft";
import type { FlowFailure } from "@/lib/sync-accounts/google";

/** What each way "Receive Google token" can fail means for the user, and what to do. */
export function flowFailureMessage(failure: FlowFailure, flow?: { login: string; receivedLogin: string | null }): string {
  switch (failure) {
    case "denied":
      return "Google access was not allowed, so nothing was created. Press Receive Google token to try again.";
    case "state":
      return "That answer from Google does not belong to a sign-in started here, or it was already used. Nothing was created; start again with Receive Google token.";
    case "expired":
      return "The Google sign-in took longer than 10 minutes and expired. Nothing was created; start again.";
    case "mismatch":
      return `You gave consent as ${flow?.receivedLogin ?? "another Google account"}, but the Google Login is ${flow?.login ?? "a different address"}. Choose ${flow?.login ?? "that account"} at Google, or change the Google Login.`;
    case "scope":
      return "Google's consent screen gave this app no access to your calendar, so nothing was created and the token was handed back to Google. Press Receive Google token again and leave “View and edit events on all your calendars” ticked.";
    case "exchange":
      return "Google refused to complete the authorization. Nothing was created; try again.";
    case "no-refresh-token":
      return "Google did not send a refresh token. It does that when this app is already authorized for the account: remove the app's access in your Google account first, then receive the token again.";
    case "unreachable":
      return "Google could not be reached. Nothing was created; try again in a moment.";
  }
}

export const FLOW_FAILURES: FlowFailure[] = ["denied", "state", "expired", "mismatch", "scope", "exchange", "no-refresh-token", "unreachable"];

/** What each way "Sign in with Microsoft" can fail means for the user, and what to do. */
export function microsoftFlowFailureMessage(failure: MicrosoftFlowFailure, flow?: { login: string; receivedLogin: string | null }): string {
  switch (failure) {
    case "denied":
      return "You cancelled at Microsoft, so nothing was created. Press Sign in with Microsoft to try again.";
    case "admin-consent":
      return "Your organisation lets only an administrator allow this app. Nothing was created. Ask your Microsoft 365 administrator to grant admin consent for this app in the Microsoft Entra admin center (Enterprise applications → this app → Permissions), then sign in again — or connect with a password below if your organisation still allows it.";
    case "refused":
      return "Microsoft refused the sign-in request. Nothing was created; try again, and if it happens again ask the administrator of this server to check the app registration.";
    case "state":
      return "That answer from Microsoft does not belong to a sign-in started here, or it was already used. Nothing was created; start again with Sign in with Microsoft.";
    case "expired":
      return "The Microsoft sign-in took longer than 10 minutes and expired. Nothing was created; start again.";
    case "mismatch":
      return `You signed in at Microsoft as ${flow?.receivedLogin ?? "another account"}, but the Login is ${flow?.login ?? "a different address"}. Sign in as ${flow?.login ?? "that account"} at Microsoft, or change the Login.`;
    case "scope":
      return "Microsoft did not give this app access to your calendars (the permission “Have full access to your calendars”, Calendars.ReadWrite), so nothing was created and the token was not kept. Sign in again and accept that permission; if your organisation's administrator consented for you, ask them to grant Calendars.ReadWrite to this app.";
    case "exchange":
      return "Microsoft refused to complete the sign-in. Nothing was created; try again.";
    case "no-refresh-token":
      return "Microsoft did not allow this app to stay connected (no refresh token came back), so nothing was created. Sign in again and accept every permission asked for.";
    case "unreachable":
      return "Microsoft could not be reached. Nothing was created; try again in a moment.";
  }
}
