export const PAYMENT_LABELS: Record<string, string> = {
  'credit-card': 'Credit card',
  paypal: 'PayPal',
  'bank-transfer': 'Bank transfer',
  'test-decline': 'Test card',
};

export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : new Intl.DateTimeFormat('en-IE', { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

export function humanize(value: string): string {
  return value.replaceAll(/[_-]+/g, ' ');
}
