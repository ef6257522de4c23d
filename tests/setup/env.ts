import { inject } from "vitest";

// Each test file's process connects as the application role, like the portal does.
process.env.DATABASE_APP_URL = inject("appUrl");
process.env.TEST_ADMIN_URL = inject("adminUrl");
