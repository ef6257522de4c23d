import { inject } from "vitest";

// Each test file's process connects as the application role, like the portal does.
process.env.DATABASE_APP_URL = inject("appUrl");
process.env.TEST_ADMIN_URL = inject("adminUrl");

// Test files share one database and sign in from no address at all ("unknown"): with the
// product's limits, the failed attempts the lockout tests make on purpose would throttle every
// other file. tests/identity/throttle.integration.test.ts tests the throttle with its own limits.
process.env.SIGN_IN_LIMIT_PER_ADDRESS = "1000000";
process.env.SIGN_IN_LIMIT_GLOBAL = "1000000";
process.env.CODE_LIMIT_PER_ADDRESS = "1000000";
process.env.CODE_LIMIT_GLOBAL = "1000000";
