// The only place that reads the build environment. Everything else imports `env`.
// No secret ever lives here: the browser never sees a token or a client secret (the gateway is
// the OAuth client), so the UI needs only a couple of presentation switches.

export type Env = Readonly<{
  /** True in `vite` dev mode. */
  dev: boolean;
  /** Offer the `test-decline` payment method (a test card that always declines). */
  testPaymentMethods: boolean;
  /** Currency used to display amounts when the server sends none. */
  defaultCurrency: string;
}>;

function parseFlag(name: string, raw: unknown): boolean | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new Error(`${name} must be "true" or "false", got ${JSON.stringify(raw)}`);
}

const vars = import.meta.env;

export const env: Env = Object.freeze({
  dev: vars.DEV,
  testPaymentMethods: parseFlag('VITE_TEST_PAYMENT_METHODS', vars.VITE_TEST_PAYMENT_METHODS) ?? vars.DEV,
  defaultCurrency: typeof vars.VITE_CURRENCY === 'string' && vars.VITE_CURRENCY ? vars.VITE_CURRENCY : 'EUR',
});
