import { fileURLToPath } from 'node:url';
import { startIdp, type Idp, type StartIdpOptions } from '../index.ts';
import { pino } from 'pino';

export const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
export const REALM_FILE = `${REPO}deploy/keycloak/techstore-realm.json`;
export const DEV_USERS_FILE = `${REPO}deploy/keycloak/dev-users.json`;

export const SECRETS = {
  GATEWAY_CLIENT_SECRET: 'test-gateway-secret',
  SHOP_API_CLIENT_SECRET: 'test-shop-api-secret',
  INVENTORY_CLIENT_SECRET: 'test-inventory-secret',
  PAYMENT_CLIENT_SECRET: 'test-payment-secret',
  NOTIFICATION_CLIENT_SECRET: 'test-notification-secret',
  ORDER_RECONCILER_CLIENT_SECRET: 'test-reconciler-secret',
};

/** Tests use a cheap scrypt cost (N=2^10) so each idp starts in milliseconds; production uses 2^17. */
export const TEST_HASHING = { N: 1024, r: 8, p: 1 };

export async function startTestIdp(extra: Partial<StartIdpOptions> = {}): Promise<Idp> {
  return startIdp({
    port: 0,
    publicUrl: 'http://localhost:8080',
    relativePath: '/auth',
    realmFiles: [REALM_FILE, DEV_USERS_FILE],
    env: { ...SECRETS, GATEWAY_PUBLIC_URL: 'http://localhost:8080' },
    passwordHashing: TEST_HASHING,
    logger: pino({ level: 'silent' }),
    ...extra,
  });
}

export const oidcUrl = (idp: Idp, path: string, realm = 'techstore'): string =>
  `${idp.baseUrl}/realms/${realm}/protocol/openid-connect/${path}`;

export async function postForm(
  url: string,
  /** Pairs when a parameter must be sent more than once. */
  form: Record<string, string> | [string, string][],
  headers: Record<string, string> = {},
) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: response.status, body, headers: response.headers };
}

export const basic = (id: string, secret: string): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
});

export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [h, p] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h as string, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p as string, 'base64url').toString()) as Record<string, unknown>,
  };
}

/**
 * Drives the browser login like a user: GET the auth URL, read the form and its cookies, POST
 * the credentials, follow nothing — returns the redirect Location and the SSO cookies.
 */
export async function browserLogin(authUrl: string, username: string, password: string, cookies = '') {
  const page = await fetch(authUrl, { redirect: 'manual', headers: cookies ? { cookie: cookies } : {} });
  if (page.status === 302) return { location: page.headers.get('location') as string, cookies, page: '' };
  const html = await page.text();
  const action = /id="kc-form-login" action="([^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&');
  if (!action) throw new Error(`no login form (status ${page.status}): ${html.slice(0, 200)}`);
  const jar = cookieJar(page.headers.getSetCookie(), cookies);
  const origin = new URL(authUrl).origin;
  const post = await fetch(origin + action, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar },
    body: new URLSearchParams({ username, password, login: 'Sign In' }).toString(),
  });
  return {
    location: post.headers.get('location') ?? '',
    cookies: cookieJar(post.headers.getSetCookie(), jar),
    page: post.status === 200 ? await post.text() : '',
    status: post.status,
    action,
  };
}

export function cookieJar(setCookies: string[], existing = ''): string {
  const map = new Map(
    existing
      .split('; ')
      .filter(Boolean)
      .map((c) => [c.split('=')[0] as string, c]),
  );
  for (const sc of setCookies) {
    const pair = sc.split(';')[0] as string;
    const name = pair.split('=')[0] as string;
    if (/Max-Age=0/i.test(sc)) map.delete(name);
    else map.set(name, pair);
  }
  return [...map.values()].join('; ');
}
