/**
 * Money is integer minor units plus a currency everywhere inside shop-api. The API also exposes
 * the major-unit number (`price: 899.99`) for parity with the original and for display; it is
 * always derived from the minor amount, never the other way round, except when an admin types a
 * price, which is then checked to have at most two decimals.
 */
export const CURRENCY = 'EUR';
const MINOR_PER_MAJOR = 100;

export interface Money {
  amount: number;
  currency: string;
}

export function toMajor(minor: number): number {
  return minor / MINOR_PER_MAJOR;
}

/** 12.34 → 1234; undefined when the number has more than two decimals or is not finite. */
export function fromMajor(major: number): number | undefined {
  if (!Number.isFinite(major)) return undefined;
  const minor = Math.round(major * MINOR_PER_MAJOR);
  return Math.abs(minor - major * MINOR_PER_MAJOR) < 1e-6 ? minor : undefined;
}

export function lineTotal(unitMinor: number, quantity: number): number {
  return unitMinor * quantity;
}
