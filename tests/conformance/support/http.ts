/**
 * Plain HTTP as a client or a browser would send it, the same on both sides: forms, basic
 * authentication, and a login driven through the login page with cookies kept by hand.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Side, Sides } from './sides.ts';

export interface Answer {
  status: number;
  body: unknown;
}

export async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as unknown };
  } catch {
    return { status: response.status, body: text };
  }
}

/** A form POST; pairs when a parameter goes twice. */
export async function postForm(
  url: string,
  form: Record<string, string> | [string, string][],
  headers: Record<string, string> = {},
): Promise<Answer> {
  return answer(
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
    }),
  );
}

export const basic = (id: string, secret: string): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
});

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** The gateway's client credentials, as it authenticates (client_secret_basic). */
export const gatewayAuth = (sides: Sides) => basic('gateway', sides.secrets.GATEWAY_CLIENT_SECRET);

export class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0]!;
      const name = pair.slice(0, pair.indexOf('='));
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, pair);
    }
  }
  header(): string {
    return [...this.cookies.values()].join('; ');
  }
  names(): string[] {
    return [...this.cookies.keys()].sort();
  }
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export const callback = (side: Side) => `${side.gateway}/bff/callback`;

export function authorizeUrl(side: Side, params: Record<string, string>): string {
  return `${side.oidc('auth')}?${new URLSearchParams({
    client_id: 'gateway',
    redirect_uri: callback(side),
    response_type: 'code',
    scope: 'openid',
    state: 'state-1',
    nonce: 'nonce-1',
    ...params,
  })}`;
}

export interface LoginPage {
  status: number;
  html: string;
  action?: string;
}

export async function getPage(url: string, jar: CookieJar): Promise<LoginPage & { location?: string }> {
  const response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
  jar.take(response);
  const html = await response.text();
  const action = /<form[^>]*id="kc-form-login"[^>]*action="([^"]+)"/
    .exec(html)?.[1]
    ?.replaceAll('&amp;', '&');
  return { status: response.status, html, action, location: response.headers.get('location') ?? undefined };
}

/** Posts the login form; answers the redirect (Location) or the page shown again. */
export async function submitLogin(
  side: Side,
  action: string,
  jar: CookieJar,
  username: string,
  password: string,
): Promise<{ status: number; location?: string; html: string }> {
  const response = await fetch(new URL(action, side.origin), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
    body: new URLSearchParams({ username, password, credentialId: '' }).toString(),
  });
  jar.take(response);
  return {
    status: response.status,
    location: response.headers.get('location') ?? undefined,
    html: await response.text(),
  };
}

/** A whole browser login for the gateway: the code, its PKCE verifier and the SSO cookies. */
export async function loginForCode(
  side: Side,
  username = 'mario',
  password = 'mario123',
  extra: Record<string, string> = {},
): Promise<{ code: string; verifier: string; jar: CookieJar; location: URL }> {
  const jar = new CookieJar();
  const { verifier, challenge } = pkce();
  const page = await getPage(
    authorizeUrl(side, { code_challenge: challenge, code_challenge_method: 'S256', ...extra }),
    jar,
  );
  if (!page.action)
    throw new Error(`${side.name}: no login form (HTTP ${page.status}) ${page.html.slice(0, 300)}`);
  const posted = await submitLogin(side, page.action, jar, username, password);
  if (!posted.location) throw new Error(`${side.name}: login not redirected (HTTP ${posted.status})`);
  const location = new URL(posted.location);
  return { code: location.searchParams.get('code') ?? '', verifier, jar, location };
}

export async function exchangeCode(
  sides: Sides,
  side: Side,
  code: string,
  verifier: string,
): Promise<Answer> {
  return postForm(
    side.oidc('token'),
    { grant_type: 'authorization_code', code, redirect_uri: callback(side), code_verifier: verifier },
    gatewayAuth(sides),
  );
}
