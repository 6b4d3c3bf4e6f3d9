"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { applyFieldErrors } from "@/components/apply-field-errors";
import { Button } from "@/components/button";
import { FormAlert } from "@/components/form-alert";
import type { ActionResult } from "@/lib/actions/safe-action";
import { syncRulesSchema, type SyncRules } from "@/lib/sync/rules/schema";
import { summarizeRules } from "@/lib/sync/rules/summary";

export type SaveRules = (input: { accountId: string; rules: SyncRules; confirmRemovals: number | null }) => Promise<ActionResult<{ saved: boolean; removals: number }>>;

const words = (value: unknown) =>
  typeof value === "string"
    ? value
        .split(",")
        .map((word) => word.trim())
        .filter(Boolean)
    : value;
const days = (value: unknown) => (value === "" || value === null || value === undefined ? null : Number(value));

const selectClass = "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm";
const inputClass = "rounded-md border border-slate-300 px-2 py-1 text-sm";

const copyModeOptions = (
  <>
    <option value="everything">Everything</option>
    <option value="busy">Busy blocks only</option>
    <option value="title-times">Title and times only</option>
  </>
);

export function RulesForm({ accountId, remoteName, rules, save, onDone }: { accountId: string; remoteName: string; rules: SyncRules; save: SaveRules; onDone: () => void }) {
  const router = useRouter();
  const [alert, setAlert] = useState<{ tone: "error" | "success"; message: string } | null>(null);
  const [pending, setPending] = useState<{ rules: SyncRules; removals: number } | null>(null);
  const {
    register,
    handleSubmit,
    control,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<SyncRules>({ resolver: zodResolver(syncRulesSchema), defaultValues: rules });
  const direction = useWatch({ control, name: "direction" });

  const send = async (values: SyncRules, confirmRemovals: number | null) => {
    setAlert(null);
    const outcome = await save({ accountId, rules: values, confirmRemovals });
    if (!outcome.ok) {
      if (!applyFieldErrors(setError, Object.fromEntries(Object.entries(outcome.fieldErrors ?? {}).map(([key, message]) => [key.replace(/^rules\./, ""), message])))) setAlert({ tone: "error", message: outcome.error });
      return;
    }
    if (!outcome.data.saved) {
      setPending({ rules: values, removals: outcome.data.removals });
      return;
    }
    setPending(null);
    onDone();
    router.refresh();
  };

  return (
    <form onSubmit={handleSubmit((values) => send(values, null))} noValidate aria-label={`Rules for ${remoteName}`} className="mt-3 flex flex-col gap-3 rounded-lg border border-slate-200 bg-slate-50 p-4 text-sm text-slate-700">
      <FormAlert message={alert?.message} tone={alert?.tone} />
      <label className="flex flex-wrap items-center gap-2">
        <span className="w-40 font-medium">Direction</span>
        <select className={selectClass} {...register("direction")}>
          <option value="both">Both ways</option>
          <option value="to-remote">Only from Atollon to {remoteName}</option>
          <option value="to-atollon">Only from {remoteName} into Atollon</option>
        </select>
      </label>
      {direction !== "to-atollon" && (
        <label className="flex flex-wrap items-center gap-2">
          <span className="w-40 font-medium">Copied to {remoteName}</span>
          <select className={selectClass} {...register("toRemote")}>
            {copyModeOptions}
          </select>
        </label>
      )}
      {direction !== "to-remote" && (
        <label className="flex flex-wrap items-center gap-2">
          <span className="w-40 font-medium">Copied into Atollon</span>
          <select className={selectClass} {...register("toAtollon")}>
            {copyModeOptions}
          </select>
        </label>
      )}
      <label className="flex flex-wrap items-center gap-2">
        <span className="w-40 font-medium">A busy block shows</span>
        <input className={inputClass} {...register("busyText")} />
        {errors.busyText && <span className="text-red-700">{errors.busyText.message}</span>}
      </label>
      <fieldset className="flex flex-wrap gap-x-4 gap-y-1">
        <legend className="mb-1 font-medium">Skip events that are</legend>
        <label className="flex items-center gap-1">
          <input type="checkbox" {...register("skipAllDay")} /> all-day
        </label>
        <label className="flex items-center gap-1">
          <input type="checkbox" {...register("skipFree")} /> shown as free
        </label>
        <label className="flex items-center gap-1">
          <input type="checkbox" {...register("skipDeclined")} /> declined by me
        </label>
        <label className="flex items-center gap-1">
          <input type="checkbox" {...register("skipPrivate")} /> private or confidential
        </label>
      </fieldset>
      <label className="flex flex-wrap items-center gap-2">
        <span className="w-40 font-medium">Skip titles containing</span>
        <input className={`${inputClass} min-w-60`} placeholder="holiday, private" {...register("titleWords", { setValueAs: words })} />
        {errors.titleWords && <span className="text-red-700">{errors.titleWords.message ?? "Each word up to 100 characters, at most 50 words."}</span>}
      </label>
      <div className="flex flex-wrap items-center gap-2">
        <span className="w-40 font-medium">Time window</span>
        <label className="flex items-center gap-1">
          past
          <input type="number" min={0} className={`${inputClass} w-20`} aria-label="Days in the past" placeholder="all" {...register("pastDays", { setValueAs: days })} />
          days
        </label>
        <label className="flex items-center gap-1">
          next
          <input type="number" min={0} className={`${inputClass} w-20`} aria-label="Days in the future" placeholder="all" {...register("futureDays", { setValueAs: days })} />
          days
        </label>
        {(errors.pastDays || errors.futureDays) && <span className="text-red-700">Whole days from 0 to 3650, or empty for all.</span>}
      </div>
      {pending ? (
        <div role="alertdialog" aria-label="Confirm the new rules" className="flex flex-col gap-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950">
          <p>
            Saving would remove {pending.removals} {pending.removals === 1 ? "copy" : "copies"} that these rules no longer allow, from the side {pending.removals === 1 ? "it was" : "they were"} copied to. The originals stay as they are.
          </p>
          <p className="text-slate-700">{summarizeRules(pending.rules, remoteName)}</p>
          <div className="flex gap-2">
            <Button type="button" variant="danger" disabled={isSubmitting} onClick={() => void send(pending.rules, pending.removals)}>
              Save and remove {pending.removals}
            </Button>
            <Button type="button" variant="secondary" onClick={() => setPending(null)}>
              Keep editing
            </Button>
          </div>
        </div>
      ) : (
        <div className="flex gap-2">
          <Button type="submit" disabled={isSubmitting}>
            {isSubmitting ? "Saving…" : "Save rules"}
          </Button>
          <Button type="button" variant="secondary" onClick={onDone}>
            Cancel
          </Button>
        </div>
      )}
    </form>
  );
}
