/** The parts of shop-api's answers this suite reads (see services/shop-api/src/checkout/schemas.ts). */
export interface OrderView {
  id: number;
  userId: string;
  status: string;
  statusReason: string | null;
  statusDetail: string | null;
  paymentTransactionId: string | null;
  items: Array<{ productId: number; quantity: number }>;
}

/** An application/problem+json body (RFC 9457) with shop-api's checkout extensions. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  orderId?: number;
  reason?: string;
  unavailable?: Array<{ productId: number; productName: string; requested: number; available: number }>;
}
