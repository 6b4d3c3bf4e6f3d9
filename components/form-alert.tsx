/** The one place a form shows what the server said; announced as soon as it appears. */
export function FormAlert({ message, tone = "error" }: { message?: string | null; tone?: "error" | "success" }) {
  const styles =
    tone === "error" ? "border-red-200 bg-red-50 text-red-800" : "border-emerald-200 bg-emerald-50 text-emerald-800";
  return (
    <div role={tone === "error" ? "alert" : "status"} aria-live="polite" className="empty:hidden">
      {message && <p className={`rounded-md border px-3 py-2 text-sm ${styles}`}>{message}</p>}
    </div>
  );
}
