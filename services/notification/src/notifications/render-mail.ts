import type { NotificationType } from '@mockmart/contracts/notification';

export interface Money {
  amount: number;
  currency: string;
}

export interface MailInput {
  type: NotificationType;
  orderId: string;
  recipient: { name?: string | undefined };
  data?:
    | {
        totalMinor?: number | undefined;
        currency?: string | undefined;
        items?: Array<{ productName: string; quantity: number; priceMinor?: number | undefined }> | undefined;
        reason?: string | undefined;
        refundMinor?: number | undefined;
      }
    | undefined;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** Minor units → "€899.99", with the currency's own number of decimals. */
export function formatMoney({ amount, currency }: Money): string {
  const format = new Intl.NumberFormat('en-IE', { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}

/** Everything interpolated into HTML comes from a caller: escape it (no markup injection in mails). */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const HEADLINES: Record<NotificationType, (order: string) => { subject: string; lead: string }> = {
  'order.confirmed': (order) => ({
    subject: `Your TechStore order ${order} is confirmed`,
    lead: `Thank you for your order. We have received your payment and order ${order} is confirmed.`,
  }),
  'order.failed': (order) => ({
    subject: `Your TechStore order ${order} could not be completed`,
    lead: `We are sorry: order ${order} could not be completed and you have not been charged.`,
  }),
  'order.cancelled': (order) => ({
    subject: `Your TechStore order ${order} was cancelled`,
    lead: `Order ${order} was cancelled.`,
  }),
  'order.refunded': (order) => ({
    subject: `Your refund for TechStore order ${order}`,
    lead: `We have refunded your payment for order ${order}.`,
  }),
};

/** Subject, plain text and HTML of one order mail, in English. */
export function renderMail(input: MailInput): RenderedMail {
  const { subject, lead } = HEADLINES[input.type](input.orderId);
  const greeting = `Hello ${input.recipient.name ?? 'there'},`;
  const currency = input.data?.currency ?? 'EUR';
  const money = (amount: number) => formatMoney({ amount, currency });
  const lines: string[] = [];
  for (const item of input.data?.items ?? []) {
    const price = item.priceMinor === undefined ? '' : ` at ${money(item.priceMinor)}`;
    lines.push(`${item.quantity} × ${item.productName}${price}`);
  }
  const facts: string[] = [];
  if (input.data?.totalMinor !== undefined) facts.push(`Total: ${money(input.data.totalMinor)}`);
  if (input.data?.refundMinor !== undefined) facts.push(`Refunded: ${money(input.data.refundMinor)}`);
  if (input.data?.reason) facts.push(`Reason: ${input.data.reason.replaceAll('_', ' ')}`);

  const text = [
    greeting,
    '',
    lead,
    ...(lines.length ? ['', ...lines] : []),
    ...(facts.length ? ['', ...facts] : []),
    '',
    '— TechStore',
  ].join('\n');
  const html = [
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(lead)}</p>`,
    lines.length ? `<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` : '',
    facts.map((f) => `<p>${escapeHtml(f)}</p>`).join(''),
    '<p>— TechStore</p>',
  ].join('');
  return { subject, text, html };
}
