import { serve } from "inngest/next";
import { inngest, inngestEnabled } from "@/lib/jobs/client";
import { functions } from "@/lib/jobs/functions";

// Inngest calls this endpoint to run the functions; it verifies its own signatures (INNGEST_SIGNING_KEY).
const handlers = serve({ client: inngest, functions });

const NOT_CONFIGURED =
  "Inngest is not configured here: background syncs run in the app's own process (the embedded scheduler). Set INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY (Inngest Cloud) or INNGEST_DEV (a self-hosted server) to serve the sync functions at this address.";

type Handler = typeof handlers.GET;

/** Without Inngest there are no functions to serve: a clear 404 rather than the SDK's failure. */
const whenConfigured =
  (handler: Handler): Handler =>
  (...args) =>
    inngestEnabled() ? handler(...args) : Promise.resolve(new Response(NOT_CONFIGURED, { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } }));

export const GET = whenConfigured(handlers.GET);
export const POST = whenConfigured(handlers.POST);
export const PUT = whenConfigured(handlers.PUT);
