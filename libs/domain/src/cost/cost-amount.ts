/**
 * Exact cost amounts. Every amount is handled as an integer count of
 * nano-units (10^-9 of its unit) in a `bigint`, and stored as NUMERIC(38, 9):
 * sums and splits never drift the way binary floats do.
 */

/** Nano-units per unit (10^9). */
export const NANO = 1_000_000_000n;

/** Raised for a value that is not a finite, non-negative decimal. */
export class CostAmountError extends Error {
  readonly code = 'COST_AMOUNT_INVALID';
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * A non-negative amount as nano-units, rounded half-up to 9 decimals.
 * Accepts a finite number or a plain decimal string (`"12.5"`, no exponent).
 * Errors: CostAmountError for negatives, NaN, infinities, exponents or text.
 */
export function toNano(value: number | string): bigint {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new CostAmountError(`${value} is not a finite number`);
    if (value < 0) throw new CostAmountError(`${value} is negative`);
    text = value.toFixed(10);
  } else {
    text = value.trim();
  }
  const m = DECIMAL.exec(text);
  if (!m) throw new CostAmountError(`${JSON.stringify(value)} is not a non-negative decimal`);
  const frac = (m[2] ?? '').padEnd(10, '0');
  const nano = BigInt(m[1]!) * NANO + BigInt(frac.slice(0, 9));
  return Number(frac[9]) >= 5 ? nano + 1n : nano;
}

/** Nano-units as a decimal string with 9 fractional digits (`"0.000012345"`), the NUMERIC(38, 9) text form. */
export function fromNano(nano: bigint): string {
  const negative = nano < 0n;
  const abs = negative ? -nano : nano;
  return `${negative ? '-' : ''}${abs / NANO}.${(abs % NANO).toString().padStart(9, '0')}`;
}

/**
 * Splits `total` nano-units into parts proportional to `weights` (non-negative
 * integers) by the largest-remainder method: every part is the floor of its
 * exact share, and the nano-units left over go one each to the parts with the
 * largest remainders (ties: the earlier index). The parts always sum exactly
 * to `total`. When every weight is 0 the split is even.
 * Errors: RangeError for no weights, a negative weight or a negative total.
 */
export function splitExact(total: bigint, weights: readonly bigint[]): bigint[] {
  if (weights.length === 0) throw new RangeError('splitExact needs at least one weight');
  if (total < 0n) throw new RangeError('splitExact needs a non-negative total');
  if (weights.some((w) => w < 0n)) throw new RangeError('splitExact needs non-negative weights');
  let sum = weights.reduce((a, b) => a + b, 0n);
  const w = sum === 0n ? weights.map(() => 1n) : weights;
  if (sum === 0n) sum = BigInt(weights.length);
  const parts = w.map((x) => (total * x) / sum);
  let left = total - parts.reduce((a, b) => a + b, 0n);
  const order = w
    .map((x, i) => ({ i, rem: (total * x) % sum }))
    .sort((a, b) => (a.rem === b.rem ? a.i - b.i : a.rem > b.rem ? -1 : 1));
  for (const { i } of order) {
    if (left === 0n) break;
    parts[i]! += 1n;
    left -= 1n;
  }
  return parts;
}
