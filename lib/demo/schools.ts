import "server-only";

/*
 * Synthetic schools by district. URNs have the 6-digit shape of Essex maintained schools (11xxxx) and
 * academies (13xxxx-14xxxx) but are made up: the demo must not suggest results for a real school.
 */
const SCHOOLS: Readonly<Record<string, readonly string[]>> = {
  "BAS-VANGE": ["114871", "114906", "137452", "140213"],
  "BAS-PITSEA": ["114852", "136918", "141077"],
  "BAS-CENTRAL": ["114833", "114889", "138265"],
  "BAS-LAINDON": ["114817", "139540"],
  "BAS-BILLERICAY": ["114795", "114958", "137760"],
  "BAS-WICKFORD": ["114922", "138831", "142106"],
};

export const SCHOOL_DISTRICTS: readonly string[] = Object.keys(SCHOOLS);

export function schoolsIn(district: string): readonly string[] {
  const schools = SCHOOLS[district];
  if (!schools) throw new RangeError(`unknown school district ${district}`);
  return schools;
}
