// Plain names for the geography codes the dashboards show, beside the codes themselves.

/** Essex district councils by the three-letter prefix the partners' district codes use. */
const COUNCILS: Record<string, string> = {
  BAS: "Basildon",
  BRA: "Braintree",
  BRE: "Brentwood",
  CAS: "Castle Point",
  CHE: "Chelmsford",
  COL: "Colchester",
  EPP: "Epping Forest",
  HAR: "Harlow",
  MAL: "Maldon",
  ROC: "Rochford",
  TEN: "Tendring",
  UTT: "Uttlesford",
  SOU: "Southend-on-Sea",
  THU: "Thurrock",
};

const titleCase = (w: string) => (w.length === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1).toLowerCase());

/** "BAS-VANGE" → "Basildon: Vange"; a code of another form is spelt out word by word. */
export function districtName(code: string): string {
  const parts = code.split("-").filter(Boolean);
  const council = parts.length > 0 ? COUNCILS[parts[0]!.toUpperCase()] : undefined;
  const rest = (council ? parts.slice(1) : parts).map(titleCase).join(" ");
  if (council) return rest ? `${council}: ${rest}` : council;
  return rest || code;
}

/** The name with its code, as lists and headings show a district. */
export function districtLabel(code: string): string {
  const name = districtName(code);
  return name === code ? code : `${name} (${code})`;
}
