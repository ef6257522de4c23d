/** "1 error", "2 errors", "1 row", "0 rows": the count with the word that agrees with it. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
