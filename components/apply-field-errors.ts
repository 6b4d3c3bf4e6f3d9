import type { FieldValues, Path, UseFormSetError } from "react-hook-form";

/** Puts the server's per-field messages under the matching inputs; false when there were none. */
export function applyFieldErrors<T extends FieldValues>(
  setError: UseFormSetError<T>,
  fieldErrors: Record<string, string> | undefined,
): boolean {
  const entries = Object.entries(fieldErrors ?? {});
  for (const [field, message] of entries) {
    setError(field as Path<T>, { type: "server", message });
  }
  return entries.length > 0;
}
