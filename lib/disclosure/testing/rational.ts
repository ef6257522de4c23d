import "server-only";

/**
 * Exact rationals over bigint, written for the test-side attacker so that it shares no
 * arithmetic with the engine it audits (the engine eliminates integers in a sparse contrast
 * basis; this works on dense fractions over the unit cells).
 */
export class Fraction {
  static readonly ZERO = new Fraction(0n, 1n);
  static readonly ONE = new Fraction(1n, 1n);

  readonly num: bigint;
  readonly den: bigint;

  private constructor(num: bigint, den: bigint) {
    this.num = num;
    this.den = den;
  }

  static of(num: bigint | number, den: bigint | number = 1n): Fraction {
    let n = BigInt(num);
    let d = BigInt(den);
    if (d === 0n) throw new RangeError("zero denominator");
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const g = gcd(n < 0n ? -n : n, d);
    return g > 1n ? new Fraction(n / g, d / g) : new Fraction(n, d);
  }

  isZero(): boolean {
    return this.num === 0n;
  }

  add(o: Fraction): Fraction {
    return Fraction.of(this.num * o.den + o.num * this.den, this.den * o.den);
  }

  sub(o: Fraction): Fraction {
    return Fraction.of(this.num * o.den - o.num * this.den, this.den * o.den);
  }

  mul(o: Fraction): Fraction {
    return Fraction.of(this.num * o.num, this.den * o.den);
  }

  div(o: Fraction): Fraction {
    return Fraction.of(this.num * o.den, this.den * o.num);
  }

  toNumber(): number {
    return Number(this.num) / Number(this.den);
  }
}

/** x − f·y, skipping the common sparse case where y is zero. */
function axpy(x: Fraction, f: Fraction, y: Fraction): Fraction {
  return y.isZero() ? x : x.sub(f.mul(y));
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

/**
 * Reduced row echelon form of a system `rows · x = rhs`, kept to answer "is this linear
 * combination of the unknowns fixed by the system, and to what value?".
 */
export class RationalSystem {
  private readonly pivots: { col: number; row: Fraction[]; rhs: Fraction }[] = [];

  constructor(private readonly width: number) {}

  /** Adds one equation; inconsistent equations are a bug in the caller, so they throw. */
  add(coefficients: readonly number[], value: number): void {
    let row = coefficients.map((c) => Fraction.of(c));
    let rhs = Fraction.of(value);
    for (const p of this.pivots) {
      const f = row[p.col] as Fraction;
      if (f.isZero()) continue;
      row = row.map((x, j) => axpy(x, f, p.row[j] as Fraction));
      rhs = rhs.sub(f.mul(p.rhs));
    }
    const col = row.findIndex((x) => !x.isZero());
    if (col < 0) {
      if (!rhs.isZero()) throw new Error("inconsistent published equations");
      return;
    }
    const inv = Fraction.ONE.div(row[col] as Fraction);
    row = row.map((x) => x.mul(inv));
    rhs = rhs.mul(inv);
    // Keep the form fully reduced so every pivot column is zero in every other row.
    for (const p of this.pivots) {
      const f = p.row[col] as Fraction;
      if (f.isZero()) continue;
      p.row = p.row.map((x, j) => axpy(x, f, row[j] as Fraction));
      p.rhs = p.rhs.sub(f.mul(rhs));
    }
    this.pivots.push({ col, row, rhs });
  }

  get rank(): number {
    return this.pivots.length;
  }

  /** The value of `target · x` if every solution agrees on it, otherwise null. */
  derive(target: readonly number[]): Fraction | null {
    if (target.length !== this.width) throw new RangeError("width mismatch");
    let residual = target.map((c) => Fraction.of(c));
    let value = Fraction.ZERO;
    for (const p of this.pivots) {
      const f = residual[p.col] as Fraction;
      if (f.isZero()) continue;
      residual = residual.map((x, j) => axpy(x, f, p.row[j] as Fraction));
      value = value.add(f.mul(p.rhs));
    }
    return residual.every((x) => x.isZero()) ? value : null;
  }
}
