// The CSRF token the gateway hands out with /bff/user. It is not a credential on its own (the
// session cookie is HttpOnly); it proves a state-changing request came from this page's script.
let token: string | undefined;

export function setCsrfToken(value: string | undefined): void {
  token = value;
}

export function getCsrfToken(): string | undefined {
  return token;
}
