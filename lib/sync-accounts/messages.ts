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
    case "exchange":
      return "Google refused to complete the authorization. Nothing was created; try again.";
    case "no-refresh-token":
      return "Google did not send a refresh token. It does that when this app is already authorized for the account: remove the app's access in your Google account first, then receive the token again.";
    case "unreachable":
      return "Google could not be reached. Nothing was created; try again in a moment.";
  }
}

export const FLOW_FAILURES: FlowFailure[] = ["denied", "state", "expired", "mismatch", "exchange", "no-refresh-token", "unreachable"];
