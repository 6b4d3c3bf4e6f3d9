"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { ActionResult } from "@/lib/actions/safe-action";
import { formatSettingSchema, type FormatSettingValues } from "@/lib/validations/event";
import { Button } from "./button";
import { FormAlert } from "./form-alert";
import { SelectField, type SelectOption } from "./select-field";

/** Settings → Account, "Dates and times": the language and region the calendar writes dates in, and the week's first day. */
export function FormatSettingsForm({
  current,
  locales,
  weekStarts,
  action,
}: {
  current: FormatSettingValues;
  locales: SelectOption[];
  weekStarts: SelectOption[];
  action: (input: FormatSettingValues) => Promise<ActionResult<null>>;
}) {
  const router = useRouter();
  const [result, setResult] = useState<{ tone: "error" | "success"; message: string } | null>(null);
  const {
    register,
    handleSubmit,
    formState: { errors, isSubmitting },
  } = useForm<FormatSettingValues>({ resolver: zodResolver(formatSettingSchema), defaultValues: current });

  const onSubmit = handleSubmit(async (values) => {
    setResult(null);
    const outcome = await action(values);
    if (!outcome.ok) return setResult({ tone: "error", message: outcome.error });
    setResult({ tone: "success", message: "Saved. The calendar now writes dates and times this way." });
    router.refresh();
  });

  return (
    <form onSubmit={onSubmit} noValidate className="flex max-w-md flex-col gap-4">
      <FormAlert message={result?.message} tone={result?.tone} />
      <SelectField label="Date and time format" options={locales} error={errors.locale?.message} {...register("locale")} />
      <SelectField label="First day of the week" options={weekStarts} error={errors.weekStart?.message} {...register("weekStart")} />
      <Button type="submit" disabled={isSubmitting} className="self-start">
        {isSubmitting ? "Saving…" : "Save formats"}
      </Button>
    </form>
  );
}
