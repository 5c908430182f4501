// The CSRF token the gateway hands out with /bff/user. It is not a credential on its own (the
// session cookie is HttpOnly); it proves a state-changing request came from this page's script.
let token: string | undefined;

// Until the first /bff/user answer, nobody knows whether there is a token: a write sent then (a
// click on "Add to cart" while the page still loads) would go without it and be refused.
let sessionKnown!: () => void;
const known = new Promise<void>((resolve) => (sessionKnown = resolve));

/** What /bff/user said (a signed-in session's token, or none); also when it could not be read. */
export function setCsrfToken(value: string | undefined): void {
  token = value;
  sessionKnown();
}

/** The token for a state-changing request, once the session is known. */
export async function csrfTokenForWrite(): Promise<string | undefined> {
  await known;
  return token;
}
