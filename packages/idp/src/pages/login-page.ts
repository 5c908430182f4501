import { escapeHtml, page } from '../lib/html.ts';

export interface LoginPageInput {
  realmName: string;
  action: string;
  username?: string;
  error?: string;
}

/**
 * The login form with Keycloak's element ids (`login.ftl`): `#kc-form-login`, `#username`,
 * `#password`, submit `#kc-login` (name `login`), errors in `#input-error`. Browser tests written
 * for real Keycloak run unchanged. The action URL carries the one-time, session-bound form token.
 */
export function loginPage(input: LoginPageInput): string {
  const error = input.error
    ? `<div class="alert-error" role="alert"><span id="input-error" aria-live="polite">${escapeHtml(input.error)}</span></div>`
    : '';
  return page(
    `Sign in to ${input.realmName}`,
    `<h1 id="kc-page-title">Sign in to your account</h1>${error}
<form id="kc-form-login" action="${escapeHtml(input.action)}" method="post">
<label for="username">Username or email</label>
<input id="username" name="username" type="text" value="${escapeHtml(input.username ?? '')}" autocomplete="username" autofocus aria-invalid="${input.error ? 'true' : 'false'}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" aria-invalid="${input.error ? 'true' : 'false'}">
<input type="hidden" id="id-hidden-input" name="credentialId">
<input id="kc-login" name="login" type="submit" value="Sign In">
</form>`,
  );
}

export function errorPage(message: string): string {
  return page(
    'Error',
    `<h1>We are sorry...</h1><p id="kc-error-message" class="instruction">${escapeHtml(message)}</p>`,
  );
}

export function infoPage(title: string, message: string, extra = ''): string {
  return page(
    title,
    `<h1>${escapeHtml(title)}</h1><p class="instruction">${escapeHtml(message)}</p>${extra}`,
  );
}

/** response_mode=form_post: an auto-submitting form (OAuth 2.0 Form Post Response Mode). */
export function formPostPage(action: string, params: Record<string, string | undefined>): string {
  const inputs = Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v as string)}">`)
    .join('');
  return `<!DOCTYPE html><html><head><title>Submit This Form</title></head><body onload="javascript:document.forms[0].submit()"><noscript><p>JavaScript is disabled. Press Continue.</p></noscript><form method="post" action="${escapeHtml(action)}">${inputs}<noscript><input type="submit" value="Continue"></noscript></form></body></html>`;
}
