/**
 * One application error type. Every error a service raises on purpose is declared once with a
 * stable code and its HTTP status; the central handler turns it into application/problem+json.
 *
 * @example
 *   export const ProductNotFound = defineError('SHOP_PRODUCT_NOT_FOUND', 404, 'Product not found');
 *   throw new ProductNotFound(`No product with id ${id}`);
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly extensions: Record<string, unknown>;
  /**
   * Extension fields shown even on a 5xx, whose details and `extensions` are masked: only ids and
   * states the thrower vouches for (e.g. `{ orderId, status }` of an order the request created),
   * never internals.
   */
  readonly exposed: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    code: string,
    status: number,
    title: string,
    detail?: string,
    options: {
      extensions?: Record<string, unknown>;
      exposed?: Record<string, unknown>;
      headers?: Record<string, string>;
      cause?: unknown;
    } = {},
  ) {
    super(detail ?? title, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.title = title;
    this.extensions = options.extensions ?? {};
    this.exposed = options.exposed ?? {};
    this.headers = options.headers ?? {};
  }
}

export type ErrorOptions = ConstructorParameters<typeof AppError>[4];
export type DefinedError = new (detail?: string, options?: ErrorOptions) => AppError;

export function defineError(code: string, status: number, title: string): DefinedError & { code: string } {
  const Defined = class extends AppError {
    static readonly code = code;
    constructor(detail?: string, options?: ErrorOptions) {
      super(code, status, title, detail, options);
    }
  };
  Object.defineProperty(Defined, 'name', { value: code });
  return Defined;
}

export const ValidationFailed = defineError('KIT_VALIDATION_FAILED', 400, 'Invalid request');
export const NotFound = defineError('KIT_NOT_FOUND', 404, 'Not found');
export const PayloadTooLarge = defineError('KIT_PAYLOAD_TOO_LARGE', 413, 'Request body too large');
export const UpstreamUnavailable = defineError(
  'KIT_UPSTREAM_UNAVAILABLE',
  503,
  'A dependency is unavailable',
);
export const ShuttingDown = defineError('KIT_SHUTTING_DOWN', 503, 'Service is shutting down');
export const InternalError = defineError('KIT_INTERNAL', 500, 'Internal error');
