// Turns a refused checkout into a message a shopper can act on. Keys on HTTP status and the stable
// error code, never on the server's English text.
import { ApiError, describeError } from '../../../lib/api-error.ts';
import type { CheckoutProblem } from '@mockmart/contracts/shop';

export type CheckoutFailure = {
  kind: 'declined' | 'out-of-stock' | 'not-allowed' | 'invalid' | 'session' | 'paid' | 'other';
  message: string;
  /** The order the answer named, when the shopper should go and look at it. */
  orderId?: number;
};

type Unavailable = { productId: number; productName?: string; requested?: number; available?: number };

export function checkoutFailure(error: unknown, nameOf: (productId: number) => string): CheckoutFailure {
  if (!(error instanceof ApiError)) {
    return {
      kind: 'other',
      message: `${describeError(error)} Your order was not confirmed yet; retrying is safe.`,
    };
  }
  if (error.status === 402 || error.codeIncludes('DECLINED')) {
    const reason =
      typeof error.problem.reason === 'string' ? ` (${error.problem.reason.replaceAll('_', ' ')})` : '';
    return {
      kind: 'declined',
      message: `Your payment was declined${reason}. You have not been charged. Please try another payment method.`,
    };
  }
  if (error.codeIncludes('STOCK') || (error.status === 409 && Array.isArray(error.problem.unavailable))) {
    const list = Array.isArray(error.problem.unavailable) ? (error.problem.unavailable as Unavailable[]) : [];
    const details = list
      .map(
        (u) =>
          `${u.productName ?? nameOf(u.productId)}${u.available !== undefined ? ` (only ${u.available} left)` : ''}`,
      )
      .join(', ');
    return {
      kind: 'out-of-stock',
      message: `Some items are out of stock${details ? `: ${details}` : ''}. Please update your cart.`,
    };
  }
  if (error.status === 403) {
    return {
      kind: 'not-allowed',
      message: 'Your account is not allowed to check out. Please contact support.',
    };
  }
  if (error.status === 401)
    return { kind: 'session', message: 'Your session has ended. Please log in again.' };
  // 503 naming a `paid` order: the money moved and only inventory's confirmation is outstanding;
  // shop-api completes the order (or refunds it) without the shopper. Paying again is the one
  // thing not to suggest.
  const problem = error.problem as Partial<CheckoutProblem>;
  if (error.status === 503 && problem.orderStatus === 'paid' && typeof problem.orderId === 'number') {
    return {
      kind: 'paid',
      orderId: problem.orderId,
      message: `Your payment went through. Order #${problem.orderId} is being completed and you will get a confirmation; there is no need to pay again.`,
    };
  }
  if (error.status === 400 || error.status === 422) {
    return { kind: 'invalid', message: describeError(error, 'Please check the form and try again.') };
  }
  return {
    kind: 'other',
    message: `${describeError(error)} Your order was not confirmed yet; retrying is safe.`,
  };
}
