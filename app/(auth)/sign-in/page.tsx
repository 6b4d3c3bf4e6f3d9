import type { Metadata } from "next";
import { safeCallbackUrl } from "@/components/safe-callback-url";
import { SignInForm } from "@/components/sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string; registered?: string }>;
}) {
  const { callbackUrl, registered } = await searchParams;
  return (
    <>
      <h1 className="mb-6 text-xl font-semibold">Sign in</h1>
      <SignInForm
        callbackUrl={safeCallbackUrl(callbackUrl)}
        notice={registered ? "Your account was created. Sign in to continue." : undefined}
      />
    </>
  );
}
