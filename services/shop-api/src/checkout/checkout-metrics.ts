import { counter } from '@mockmart/service-kit/telemetry';

const countCheckout = counter(
  'shop-api',
  'shop.checkout.outcomes',
  'checkouts by result: confirmed, payment_declined, out_of_stock, …, replayed, refused',
);

/** The result label of an answered checkout: its problem's code, "confirmed", or "replayed". */
export function countCheckoutAnswer(replayed: boolean, problemCode: string | undefined): void {
  if (replayed) return countCheckout({ result: 'replayed' });
  countCheckout({ result: problemCode ? problemCode.replace(/^SHOP_/, '').toLowerCase() : 'confirmed' });
}

/** A checkout refused before any order existed (not allowed, empty cart, bad key …). */
export function countCheckoutRefusal(code: string): void {
  countCheckout({ result: 'refused', code });
}
