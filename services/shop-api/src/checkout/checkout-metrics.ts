import { counter } from '@mockmart/service-kit/telemetry';
import type { PlaceOrderResult } from './place-order.ts';

const countCheckout = counter(
  'shop-api',
  'shop.checkout.outcomes',
  'checkouts by result: confirmed, payment_declined, out_of_stock, …, replayed, refused',
);

/** The result label of an answered checkout: its final order state, or "replayed". */
export function countCheckoutAnswer(result: PlaceOrderResult): void {
  if (result.replayed) return countCheckout({ result: 'replayed' });
  const response = result.response;
  countCheckout({
    result: response.kind === 'error' ? response.code.replace(/^SHOP_/, '').toLowerCase() : 'confirmed',
  });
}

/** A checkout refused before any order existed (not allowed, empty cart, bad key …). */
export function countCheckoutRefusal(code: string): void {
  countCheckout({ result: 'refused', code });
}
