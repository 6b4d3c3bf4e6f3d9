export function DemoNotice() {
  return (
    <p role="note" className="mb-6 rounded-md border border-violet-200 bg-violet-50 px-4 py-3 text-sm text-violet-900">
      <strong>Demo mode:</strong> Google is simulated by a local test server. No real Google account is used or contacted.
    </p>
  );
}
