import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { percentage, planPublication, primarySuppression, protectPublication, renderPublication } from "./protect";
import { attack, combos, smallGroupTargets, suppressedLineSumTargets, suppressedTargets, trueCounts } from "./testing/attacker";
import type { Condition, DimensionValue, ProtectedPublication, PublicationRequest, TableSpec } from "./types";

function domainFor(i: number, size: number): DimensionValue[] {
  if (i % 3 === 1) return Array.from({ length: size }, (_, k) => 2016 + k);
  if (i % 3 === 2 && size === 2) return [true, false];
  return ["a", "b", "c"].slice(0, size);
}

const countArb = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 7 }) },
  { weight: 5, arbitrary: fc.integer({ min: 6, max: 40 }) },
);

function tableArb(dims: readonly (readonly [string, readonly DimensionValue[]])[], id: string): fc.Arbitrary<TableSpec> {
  const names = dims.map(([d]) => d);
  return fc
    .record({
      axes: fc.shuffledSubarray(names, { minLength: 0, maxLength: Math.min(3, names.length) }),
      split: fc.integer({ min: 0, max: 3 }),
      filterDim: fc.option(fc.constantFrom(...names), { nil: undefined }),
      filterPick: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
      percentage: fc.boolean(),
      numeratorDim: fc.constantFrom(...names),
      numeratorValue: fc.nat(),
      totals: fc.boolean(),
    })
    .map(({ axes, split, filterDim, filterPick, percentage, numeratorDim, numeratorValue, totals }): TableSpec => {
      const cut = Math.min(split, axes.length);
      let filter: Condition | undefined;
      if (filterDim !== undefined) {
        const domain = dims.find(([d]) => d === filterDim)![1];
        const chosen = domain.filter((_, k) => filterPick[k]);
        if (chosen.length > 0 && chosen.length < domain.length) filter = { [filterDim]: chosen.length === 1 ? chosen[0]! : chosen };
      }
      const numDomain = dims.find(([d]) => d === numeratorDim)![1];
      return {
        id,
        rows: axes.slice(0, cut),
        columns: axes.slice(cut),
        ...(filter ? { filter } : {}),
        measure: percentage
          ? { kind: "percentage", numerator: { [numeratorDim]: numDomain[numeratorValue % numDomain.length]! } }
          : { kind: "count" },
        totals,
      };
    });
}

const requestArb: fc.Arbitrary<PublicationRequest> = fc
  .record({
    sizes: fc.array(fc.integer({ min: 2, max: 3 }), { minLength: 2, maxLength: 4 }),
    threshold: fc.constantFrom(1, 3, 5, 10),
    tableCount: fc.integer({ min: 1, max: 5 }),
  })
  .filter(({ sizes }) => sizes.reduce((a, b) => a * b, 1) <= 81)
  .chain(({ sizes, threshold, tableCount }) => {
    const dims = sizes.map((k, i) => [`d${i}`, domainFor(i, k)] as const);
    const all = dims.reduce<Record<string, DimensionValue>[]>((acc, [d, domain]) => acc.flatMap((c) => domain.map((v) => ({ ...c, [d]: v }))), [{}]);
    return fc
      .record({
        counts: fc.array(countArb, { minLength: all.length, maxLength: all.length }),
        tables: fc.tuple(...Array.from({ length: tableCount }, (_, t) => tableArb(dims, `t${t}`))),
      })
      .map(({ counts, tables }): PublicationRequest => ({
        threshold,
        base: {
          dimensions: Object.fromEntries(dims),
          // Zero cells are sometimes listed and sometimes left out: both must mean the same.
          cells: all.flatMap((values, i) => (counts[i] === 0 && i % 2 === 0 ? [] : [{ values, count: counts[i]! }])),
        },
        tables,
      }));
  });

function groupTruth(request: PublicationRequest) {
  const all = combos(request.base);
  const truth = trueCounts(request.base, all);
  return (spec: TableSpec, key: Readonly<Record<string, DimensionValue | null>>, numerator: boolean): number => {
    let total = 0;
    all.forEach((c, i) => {
      const inFilter = Object.entries(spec.filter ?? {}).every(([d, w]) => (Array.isArray(w) ? (w as DimensionValue[]).includes(c[d]!) : w === c[d]));
      const inKey = Object.entries(key).every(([d, v]) => v === null || v === c[d]);
      const inNumerator = !numerator || spec.measure.kind !== "percentage" || Object.entries(spec.measure.numerator).every(([d, w]) => w === c[d]);
      if (inFilter && inKey && inNumerator) total += truth[i]!;
    });
    return total;
  };
}

describe("protectPublication properties over random bases and table sets", () => {
  it("publishes only counts above the threshold, and each one is the true count", () => {
    fc.assert(
      fc.property(requestArb, (request) => {
        const pub = protectPublication(request);
        const truth = groupTruth(request);
        const t = request.threshold!;
        pub.tables.forEach((table, k) => {
          const spec = request.tables[k]!;
          for (const cell of table.cells) {
            const counts =
              spec.measure.kind === "count"
                ? [[cell.value, false] as const]
                : [[cell.numerator!, true] as const, [cell.denominator!, false] as const];
            for (const [value, isNumerator] of counts) {
              // No structural zeros are declared here, so [z] may only mean an empty intersection
              // of the table's own conditions.
              if (value.suppressed) continue;
              const expected = truth(spec, cell.key, isNumerator);
              if (value.value === null) {
                expect(expected).toBe(0);
                continue;
              }
              expect(value.value).toBe(expected);
              // Zero policy: a published count is never 0, because 0 <= threshold.
              expect(value.value).toBeGreaterThan(t);
            }
          }
        });
      }),
      { numRuns: 500 },
    );
  });

  it("publishes a percentage only with its numerator, denominator and complement all above the threshold", () => {
    fc.assert(
      fc.property(requestArb, (request) => {
        const pub = protectPublication(request);
        const t = request.threshold!;
        pub.tables.forEach((table, k) => {
          const spec = request.tables[k]!;
          if (spec.measure.kind !== "percentage") return;
          const numeratorCondition = spec.measure.numerator;
          for (const cell of table.cells) {
            const { value, numerator, denominator } = cell;
            if (value.suppressed) {
              expect(value.reason).toBe("percentage");
              expect(numerator!.suppressed || denominator!.suppressed).toBe(true);
              continue;
            }
            if (value.value === null) continue;
            if (numerator!.suppressed || denominator!.suppressed || numerator!.value === null || denominator!.value === null) {
              throw new Error("percentage published without both counts");
            }
            expect(value.value).toBe(percentage(numerator!.value, denominator!.value));
            expect(Math.abs(value.value - (100 * numerator!.value) / denominator!.value)).toBeLessThanOrEqual(0.05 + 1e-9);
            expect(numerator!.value).toBeGreaterThan(t);
            // The complement may only be small when it is empty by construction: the cell's own
            // category already meets the numerator condition, so 100% tells nothing new.
            const implied = Object.entries(numeratorCondition).every(
              ([d, w]) =>
                cell.key[d] === w ||
                spec.filter?.[d] === w ||
                (Array.isArray(spec.filter?.[d]) && (spec.filter[d] as DimensionValue[]).every((x) => x === w)),
            );
            if (implied) expect(numerator!.value).toBe(denominator!.value);
            else expect(denominator!.value - numerator!.value).toBeGreaterThan(t);
          }
        });
      }),
      { numRuns: 500 },
    );
  });

  it("leaves no suppressed count and no small group derivable by an independent exact intruder", () => {
    let leaksWithoutSecondary = 0;
    fc.assert(
      fc.property(requestArb, (request) => {
        const pub = protectPublication(request);
        const targets = [
          ...suppressedTargets(request, pub),
          ...smallGroupTargets(request, request.threshold!),
          ...suppressedLineSumTargets(request, pub, request.threshold!),
        ];
        const result = attack(request, pub, targets);
        expect(result.derived.map((d) => `${d.target.label} = ${d.value}`)).toEqual([]);

        // Teeth: the same intruder against primary-only output of the same request.
        const plan = planPublication(request);
        const naive: ProtectedPublication = renderPublication(plan, primarySuppression(plan));
        const naiveTargets = [...suppressedTargets(request, naive), ...smallGroupTargets(request, request.threshold!)];
        const naiveResult = attack(request, naive, naiveTargets);
        for (const d of naiveResult.derived) expect(d.value).toBe(d.target.trueValue);
        if (naiveResult.derived.length > 0) leaksWithoutSecondary++;
      }),
      { numRuns: 500 },
    );
    // Over hundreds of random publications primary suppression alone must leak often, or the
    // intruder would be too weak to mean anything.
    expect(leaksWithoutSecondary).toBeGreaterThan(30);
  });

  it("is deterministic and independent of the order unit cells arrive in", () => {
    fc.assert(
      fc.property(requestArb, fc.integer(), (request, seed) => {
        const first = protectPublication(request);
        const cells = [...request.base.cells];
        let s = seed;
        for (let i = cells.length - 1; i > 0; i--) {
          s = (s * 1103515245 + 12345) & 0x7fffffff;
          const j = s % (i + 1);
          [cells[i], cells[j]] = [cells[j]!, cells[i]!];
        }
        const shuffled = protectPublication({ ...request, base: { ...request.base, cells } });
        expect(shuffled).toEqual(first);
        expect(JSON.parse(JSON.stringify(first))).toEqual(first);
      }),
      { numRuns: 100 },
    );
  });
});
