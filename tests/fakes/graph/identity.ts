// The Microsoft identity platform (v2.0 endpoints) as the Graph fake needs it: the access tokens that
// Graph requests carry, and who they belong to.
import { randomBytes } from "node:crypto";

interface AccessGrant {
  email: string;
  expiresAt: number;
}

const ACCESS_TOKEN_SECONDS = 3600;

export class FakeMicrosoftIdentity {
  private readonly accessTokens = new Map<string, AccessGrant>();

  /** The mailbox a live access token belongs to (the Graph API fake authenticates with this). */
  accessTokenOwner(accessToken: string): string | null {
    const grant = this.accessTokens.get(accessToken);
    if (!grant || grant.expiresAt < Date.now()) return null;
    return grant.email;
  }

  /** An access token for a mailbox without the sign-in (tests that drive Graph directly). */
  mintAccessToken(email: string, seconds = ACCESS_TOKEN_SECONDS): string {
    const token = `eyJ0eXAiOiJKV1Qi.${randomBytes(24).toString("base64url")}`;
    this.accessTokens.set(token, { email: email.toLowerCase(), expiresAt: Date.now() + seconds * 1000 });
    return token;
  }

  /** Ends every access token of a mailbox at once. */
  revokeAccessTokensOf(email: string): number {
    let revoked = 0;
    for (const [token, grant] of this.accessTokens) {
      if (grant.email !== email.toLowerCase()) continue;
      this.accessTokens.delete(token);
      revoked += 1;
    }
    return revoked;
  }
}
