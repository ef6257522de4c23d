// The one UUID check at the boundary: an id that is not a UUID names nothing, and asking
// PostgreSQL about it would only fail on the cast. Case-insensitive, any version.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(v: unknown): v is string {
  return typeof v === "string" && UUID.test(v);
}
