/**
 * Just enough of a browser for login tests: a cookie jar for one origin and manual redirects, so
 * each hop (gateway → idp form → idp → callback) is visible and asserted.
 */
export class Browser {
  readonly cookies = new Map<string, string>();
  /** Every cookie value the origin ever set here (session ids included), for leak checks. */
  readonly issuedCookieValues: string[] = [];
  readonly origin: string;

  constructor(origin: string) {
    this.origin = origin;
  }

  /**
   * `via`: another origin to send this one request to, as if it went to `url` (the cookies of
   * `url`'s origin go along and come back into the jar) — a balancer's port pinned to one replica.
   */
  async request(url: string, init: RequestInit & { via?: string } = {}): Promise<Response> {
    const { via, ...fetchInit } = init;
    const target = new URL(url, this.origin);
    const headers = new Headers(init.headers);
    if (target.origin === this.origin && this.cookies.size > 0) {
      headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    const response = await fetch(via ? new URL(target.pathname + target.search, via) : target, {
      ...fetchInit,
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    if (target.origin === this.origin) {
      for (const line of response.headers.getSetCookie()) {
        const [pair, ...attributes] = line.split(';');
        const [name, ...value] = (pair ?? '').split('=');
        if (!name) continue;
        const expired = attributes.some(
          (a) => /max-age=0/i.test(a.trim()) || /expires=thu, 01 jan 1970/i.test(a.trim()),
        );
        if (expired || value.join('=') === '') this.cookies.delete(name.trim());
        else {
          this.cookies.set(name.trim(), value.join('='));
          this.issuedCookieValues.push(value.join('='));
        }
      }
    }
    return response;
  }

  /**
   * Signs in through the idp's login form (or its SSO session, without a form); returns the final
   * redirect from /bff/callback, sent `via` another origin when `callbackVia` is given.
   */
  async login(
    username: string,
    password: string,
    returnTo = '/',
    { callbackVia }: { callbackVia?: string } = {},
  ): Promise<Response> {
    const start = await this.request(`/bff/login?returnTo=${encodeURIComponent(returnTo)}`);
    if (start.status !== 302) throw new Error(`/bff/login answered ${start.status}`);
    const form = await this.request(start.headers.get('location') ?? '');
    const callback = (location: string | null) =>
      this.request(location ?? '', callbackVia ? { via: callbackVia } : {});
    if (form.status === 302) return callback(form.headers.get('location')); // SSO session already there
    const html = await form.text();
    const action = /<form[^>]*id="kc-form-login"[^>]*action="([^"]+)"/
      .exec(html)?.[1]
      ?.replaceAll('&amp;', '&');
    if (!action) throw new Error(`no login form (status ${form.status})`);
    const submitted = await this.request(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password, credentialId: '' }).toString(),
    });
    if (submitted.status !== 302) throw new Error(`login form answered ${submitted.status}`);
    return callback(submitted.headers.get('location'));
  }

  async json<T = Record<string, unknown>>(
    url: string,
    init: RequestInit & { via?: string } = {},
  ): Promise<{ status: number; body: T; headers: Headers }> {
    const response = await this.request(url, init);
    return { status: response.status, body: (await response.json()) as T, headers: response.headers };
  }
}
