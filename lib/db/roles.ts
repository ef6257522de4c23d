import "server-only";

/** Owns every object; migrations run as it. Cannot log in. */
export const OWNER_ROLE = "portal_owner";
/** What the application connects as: owns nothing, no SUPERUSER, no BYPASSRLS. */
export const APP_ROLE = "portal_app";
