"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { ActionResult } from "@/lib/actions/safe-action";
import { formatSettingSchema, type FormatSettingValues } from "@/lib/validations/event";
import { Button } from "./button";
import { FormAlert } from "./form-alert";

export interface FormatOption {
  value: string;
  label: string;
}

const selectClass = "rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm";

/** Settings → Account, "Dates and times": the language and region the calendar writes dates in, and the week's first day. */
export function FormatSettingsForm({
  current,
  locales,
  weekStarts,
  action,
}: {
  current: FormatSettingValues;
  locales: FormatOption[];
  weekStarts: FormatOption[];
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
      <div className="flex flex-col gap-1.5">
        <label htmlFor="format-locale" className="text-sm font-medium text-slate-800">
          Date and time format
        </label>
        <select id="format-locale" className={selectClass} aria-invalid={errors.locale ? true : undefined} {...register("locale")}>
          {locales.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
        {errors.locale && <p className="text-sm text-red-700">{errors.locale.message}</p>}
      </div>
      <div className="flex flex-col gap-1.5">
        <label htmlFor="format-week-start" className="text-sm font-medium text-slate-800">
          First day of the week
        </label>
        <select id="format-week-start" className={selectClass} aria-invalid={errors.weekStart ? true : undefined} {...register("weekStart")}>
          {weekStarts.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
        {errors.weekStart && <p className="text-sm text-red-700">{errors.weekStart.message}</p>}
      </div>
      <Button type="submit" disabled={isSubmitting} className="self-start">
        {isSubmitting ? "Saving…" : "Save formats"}
      </Button>
    </form>
  );
}
