import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Rng, mixSeed } from "@/lib/demo/rng";

describe("Rng", () => {
  it("repeats its sequence for the same seed and differs for another", () => {
    const draw = (seed: number) =>
      Array.from(
        { length: 8 },
        (
          (r) => () =>
            r.nextUint32()
        )(new Rng(seed)),
      );
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it("derives independent streams from (seed, stream, index)", () => {
    expect(mixSeed(2016, 2, 5)).not.toBe(mixSeed(2016, 2, 6));
    expect(mixSeed(2016, 2, 5)).not.toBe(mixSeed(2016, 3, 5));
    expect(mixSeed(2 ** 40 + 1)).not.toBe(mixSeed(1));
  });

  it("stays in range", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 50 }), (seed, min, span) => {
        const rng = new Rng(seed);
        const u = rng.next();
        const k = rng.int(min, min + span);
        expect(u >= 0 && u < 1).toBe(true);
        expect(k >= min && k <= min + span && Number.isInteger(k)).toBe(true);
      }),
    );
  });

  it("has roughly the right moments", () => {
    const rng = new Rng(1);
    const n = 20_000;
    let sum = 0;
    let sumSq = 0;
    let poisson = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      sum += z;
      sumSq += z * z;
      poisson += rng.poisson(1.5);
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.03);
    expect(Math.abs(sumSq / n - 1)).toBeLessThan(0.05);
    expect(Math.abs(poisson / n - 1.5)).toBeLessThan(0.05);
  });
});
