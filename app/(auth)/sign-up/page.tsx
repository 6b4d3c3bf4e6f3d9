import type { Metadata } from "next";
import { SignUpForm } from "@/components/sign-up-form";
import { signUpAction } from "./actions";

export const metadata: Metadata = { title: "Create account" };

export default function SignUpPage() {
  return (
    <>
      <h1 className="mb-6 text-xl font-semibold">Create your account</h1>
      <SignUpForm action={signUpAction} />
    </>
  );
}
