import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { cookies } from "next/headers";
import { appUrl } from "../config/env";
import { AppError } from "../errors";
import { authSecret } from "./auth-secret";
import { clientIp } from "./client-ip";
import { DEVICE_COOKIE_MAX_AGE_SECONDS, deviceCookieName, issueDeviceToken, knownDevice } from "./device-cookie";
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

/** Reads the browser's device cookie for the account, and after a sign-in gives it one if it has none. */
async function withDeviceCookie<T extends { email: string }>(email: string, secret: string, signIn: (device: string | null) => Promise<T>): Promise<T> {
  const jar = await cookies();
  const device = knownDevice(email, jar.get(deviceCookieName(email))?.value, secret);
  const user = await signIn(device);
  if (!device) {
    jar.set(deviceCookieName(user.email), issueDeviceToken(user.email, secret), {
      httpOnly: true,
      sameSite: "lax",
      secure: appUrl().startsWith("https:"),
      path: "/",
      maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS,
    });
  }
  return user;
}

export function authOptions(): NextAuthOptions {
  // next-auth reads its base URL from NEXTAUTH_URL; APP_URL is the one variable we document.
  process.env.NEXTAUTH_URL ??= appUrl();
  const secret = authSecret();
  return {
    secret,
    session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { type: "email" }, password: { type: "password" } },
        async authorize(credentials, request) {
          try {
            const email = credentials?.email ?? "";
            const user = await withDeviceCookie(email, secret, (device) =>
              verifyCredentials({ email, password: credentials?.password ?? "", ip: clientIp(request.headers ?? {}), device }),
            );
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
