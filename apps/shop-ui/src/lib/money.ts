// Amounts cross every boundary as integer minor units with a currency ({ amount: 89999,
// currency: 'EUR' }). Floats never carry money here: formatting divides only for display, and
// parsing a typed price works on the decimal string.

export type Money = { amount: number; currency: string };

const LOCALE = 'en-IE';

export function minorDigits(currency: string): number {
  return (
    new Intl.NumberFormat(LOCALE, { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
    2
  );
}

export function formatMoney(money: Money): string {
  const digits = minorDigits(money.currency);
  return new Intl.NumberFormat(LOCALE, { style: 'currency', currency: money.currency }).format(
    money.amount / 10 ** digits,
  );
}

/** "899.99" → 89999 for EUR. Returns undefined for anything that is not a non-negative amount. */
export function parseMoneyInput(input: string, currency: string): number | undefined {
  const digits = minorDigits(currency);
  const trimmed = input.trim().replace(',', '.');
  const pattern = digits === 0 ? /^(\d{1,9})$/ : new RegExp(`^(\\d{1,9})(?:\\.(\\d{1,${digits}}))?$`);
  const match = pattern.exec(trimmed);
  if (!match) return undefined;
  const whole = Number(match[1]);
  const fraction = digits === 0 ? 0 : Number((match[2] ?? '').padEnd(digits, '0'));
  return whole * 10 ** digits + fraction;
}

/** 89999 EUR → "899.99", for pre-filling an input. */
export function toMoneyInput(money: Money): string {
  const digits = minorDigits(money.currency);
  if (digits === 0) return String(money.amount);
  const whole = Math.trunc(money.amount / 10 ** digits);
  const fraction = String(money.amount % 10 ** digits).padStart(digits, '0');
  return `${whole}.${fraction}`;
}
