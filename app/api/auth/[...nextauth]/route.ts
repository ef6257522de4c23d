import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { defineHandler } from "@/lib/http/adapter";

export const dynamic = "force-dynamic";

// Options are resolved per request: they read the environment the custom server prepares.
const handler = defineHandler("auth.nextauth", ({ req, params }) =>
  NextAuth(req as never, { params: Promise.resolve(params) } as never, authOptions()),
);

export { handler as GET, handler as POST };
