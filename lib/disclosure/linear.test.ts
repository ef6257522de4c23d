import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DisclosureError } from "./errors";
import { EchelonBasis, type SparseVector } from "./linear";
import { RationalSystem } from "./testing/rational";

function sparse(dense: readonly number[]): SparseVector {
  const idx: number[] = [];
  const val: number[] = [];
  dense.forEach((v, i) => {
    if (v !== 0) {
      idx.push(i);
      val.push(v);
    }
  });
  return { idx, val };
}

describe("EchelonBasis", () => {
  it("detects derivability through a chain of equations", () => {
    const basis = new EchelonBasis();
    expect(basis.insert(sparse([1, 1, 1]), 0)).toBe(true); // total
    expect(basis.insert(sparse([0, 1, 0]), 1)).toBe(true);
    expect(basis.contains(sparse([1, 0, 1]))).toBe(true);
    expect(basis.contains(sparse([1, 0, 0]))).toBe(false);
    expect(basis.insert(sparse([0, 0, 1]), 2)).toBe(true);
    expect(basis.contains(sparse([1, 0, 0]))).toBe(true);
    expect(basis.relation(sparse([1, 0, 0]))).toEqual([0, 1, 2]);
    expect(basis.insert(sparse([1, 1, 0]), 3)).toBe(false);
    expect(basis.rank).toBe(3);
  });

  it("fails closed instead of rounding when integers outgrow doubles", () => {
    const basis = new EchelonBasis();
    basis.insert(sparse([2 ** 40, 3]), 0);
    expect(() => basis.insert(sparse([2 ** 40 - 1, 2 ** 30]), 1)).toThrow(DisclosureError);
  });

  it("agrees with dense rational elimination on random integer systems, and its relations are exact", () => {
    const vec = (n: number) => fc.array(fc.integer({ min: -2, max: 2 }), { minLength: n, maxLength: n });
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 7 })
          .chain((n) =>
            fc.record({ rows: fc.array(vec(n), { minLength: 0, maxLength: 8 }), probes: fc.array(vec(n), { minLength: 1, maxLength: 5 }) }),
          ),
        ({ rows, probes }) => {
          const basis = new EchelonBasis();
          const width = rows[0]?.length ?? probes[0]!.length;
          const reference = new RationalSystem(width);
          rows.forEach((r, i) => {
            basis.insert(sparse(r), i);
            reference.add(r, 0);
          });
          expect(basis.rank).toBe(reference.rank);
          for (const probe of [...probes, ...rows]) {
            const inSpan = reference.derive(probe) !== null;
            expect(basis.contains(sparse(probe))).toBe(inSpan);
            const relation = basis.relation(sparse(probe));
            expect(relation !== null).toBe(inSpan);
            if (relation !== null && probe.some((x) => x !== 0)) {
              // The rows the relation names must by themselves span the probe.
              const sub = new RationalSystem(width);
              for (const id of relation) sub.add(rows[id]!, 0);
              expect(sub.derive(probe)).not.toBeNull();
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
