/**
 * Kubernetes resource quantities (`500m`, `2`, `1.5`, `1Gi`, `512Mi`, `1G`,
 * `1e3`), as in k8s.io/apimachinery `resource.Quantity`: a non-negative
 * decimal number, then a binary suffix (Ki Mi Gi Ti Pi Ei), a decimal suffix
 * (n u m k M G T P E) or a decimal exponent (`e3`, `E-2`).
 */

const BINARY: Readonly<Record<string, number>> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Readonly<Record<string, number>> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const QUANTITY = /^(\+?)(\d+(?:\.\d*)?|\.\d+)(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/;

/** A quantity that is not one (`abc`, `1Gb`, `-1`, ``). */
export class QuantityError extends Error {
  override name = 'QuantityError';
}

/**
 * The value of a Kubernetes quantity as a number (`500m` → 0.5, `1Gi` →
 * 1073741824, `1G` → 1e9). Numbers pass through. Errors: QuantityError naming
 * the input and the expected form, for anything else (negative, unknown
 * suffix, empty, not finite).
 */
export function parseQuantity(quantity: string | number): number {
  if (typeof quantity === 'number') {
    if (!Number.isFinite(quantity) || quantity < 0) throw new QuantityError(`invalid Kubernetes quantity ${quantity}: expected a non-negative finite number`);
    return quantity;
  }
  const m = QUANTITY.exec(quantity.trim());
  if (!m) {
    throw new QuantityError(
      `invalid Kubernetes quantity ${JSON.stringify(quantity)}: expected a non-negative number with an optional suffix (m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei) or exponent, e.g. 500m, 2, 1Gi, 512Mi`,
    );
  }
  const [, , digits, exponent, suffix] = m;
  const value = exponent ? Number(`${digits}${exponent}`) : Number(digits) * (BINARY[suffix ?? ''] ?? DECIMAL[suffix ?? '']!);
  if (!Number.isFinite(value)) throw new QuantityError(`invalid Kubernetes quantity ${JSON.stringify(quantity)}: too large`);
  return value;
}
