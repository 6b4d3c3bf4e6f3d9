import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { appUrl } from "../config/env";
import { AppError } from "../errors";
import { authSecret } from "./auth-secret";
import { clientIp } from "./client-ip";
import { verifyCredentials } from "./verify-credentials";

declare module "next-auth" {
  interface Session {
    user: { id: string; name: string; email: string };
    passwordVersion: number;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    passwordVersion?: number;
  }
}

export function authOptions(): NextAuthOptions {
  // next-auth reads its base URL from NEXTAUTH_URL; APP_URL is the one variable we document.
  process.env.NEXTAUTH_URL ??= appUrl();
  return {
    secret: authSecret(),
    session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { type: "email" }, password: { type: "password" } },
        async authorize(credentials, request) {
          try {
            const user = await verifyCredentials({
              email: credentials?.email ?? "",
              password: credentials?.password ?? "",
              ip: clientIp(request.headers ?? {}),
            });
            return { id: user.id, email: user.email, name: user.name, passwordVersion: user.passwordVersion };
          } catch (error) {
            // next-auth hands the message of an Error thrown here to the sign-in form.
            if (error instanceof AppError) throw new Error(error.message);
            throw error;
          }
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user && "passwordVersion" in user && typeof user.passwordVersion === "number") {
          token.passwordVersion = user.passwordVersion;
        }
        return token;
      },
      session({ session, token }) {
        session.user = { id: token.sub ?? "", name: token.name ?? "", email: token.email ?? "" };
        session.passwordVersion = token.passwordVersion ?? 0;
        return session;
      },
    },
  };
}
