import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col items-center justify-center gap-4 px-6 text-center">
      <p className="text-sm font-semibold text-brand-700">404</p>
      <h1 className="text-2xl font-semibold">This page does not exist</h1>
      <p className="text-slate-600">The address may be mistyped, or the page was moved.</p>
      <Link href="/calendar" className="font-medium text-brand-700 underline underline-offset-4 hover:text-brand-800">
        Go to your calendar
      </Link>
    </main>
  );
}
