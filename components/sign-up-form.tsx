"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { ActionResult } from "@/lib/actions/safe-action";
import { PASSWORD_MIN_LENGTH, signUpSchema, type SignUpInput } from "@/lib/validations/auth";
import { applyFieldErrors } from "./apply-field-errors";
import { Button } from "./button";
import { FormAlert } from "./form-alert";
import { TextField } from "./text-field";

export function SignUpForm({ action }: { action: (input: SignUpInput) => Promise<ActionResult<{ email: string }>> }) {
  const router = useRouter();
  const [serverError, setServerError] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm({
    resolver: zodResolver(signUpSchema),
    defaultValues: { name: "", email: "", password: "", timeZone: "UTC" },
  });

  const onSubmit = handleSubmit(async (values) => {
    setServerError(null);
    const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const result = await action({ ...values, timeZone });
    if (!result.ok) {
      setServerError(result.error);
      applyFieldErrors(setError, result.fieldErrors);
      return;
    }
    const signedIn = await signIn("credentials", { redirect: false, email: values.email, password: values.password });
    if (!signedIn?.ok) {
      router.replace("/sign-in?registered=1");
      return;
    }
    router.replace("/calendar");
    router.refresh();
  });

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
      <FormAlert message={serverError} />
      <TextField label="Name" autoComplete="name" error={errors.name?.message} {...register("name")} />
      <TextField label="Email" type="email" autoComplete="email" error={errors.email?.message} {...register("email")} />
      <TextField
        label="Password"
        type="password"
        autoComplete="new-password"
        hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
        error={errors.password?.message}
        {...register("password")}
      />
      <Button type="submit" disabled={isSubmitting}>
        {isSubmitting ? "Creating your account…" : "Create account"}
      </Button>
      <p className="text-center text-sm text-slate-600">
        Already have an account?{" "}
        <Link href="/sign-in" className="font-medium text-brand-700 underline-offset-4 hover:underline">
          Sign in
        </Link>
      </p>
    </form>
  );
}
