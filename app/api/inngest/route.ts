import { serve } from "inngest/next";
import { inngest } from "@/lib/jobs/client";
import { functions } from "@/lib/jobs/functions";

// Inngest calls this endpoint to run the functions; it verifies its own signatures (INNGEST_SIGNING_KEY).
export const { GET, POST, PUT } = serve({ client: inngest, functions });
