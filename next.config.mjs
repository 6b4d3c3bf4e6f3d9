/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite loads its WebAssembly and data files from its own package folder at run time;
  // ews-javascript-api's transport (@ewsjs/xhr) requires an optional native module only when asked
  // to, which a bundler cannot leave unresolved. googleapis holds every Google API (200 MB of
  // modules): bundled, it made every server chunk that reaches it half a gigabyte in all and minutes
  // of compiling for `next build` and for each route `next dev` compiles; Node loads it as it is.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "pg", "ews-javascript-api", "@ewsjs/xhr", "googleapis"],
  // The app applies its own migrations at start, so they ship with the server.
  outputFileTracingIncludes: { "/*": ["./prisma/migrations/**/*"] },
  poweredByHeader: false,
  logging: {
    // `next dev` prints every server action with its arguments by default: sign-up, the Atollon
    // step, Exchange passwords and password changes would all reach the terminal.
    serverFunctions: false,
    // Request lines carry query strings: the OAuth callbacks' authorization codes and state stay out.
    incomingRequests: { ignore: [/^\/api\/(google|microsoft)\/callback/] },
  },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;
