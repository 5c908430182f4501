/** What the UI may know about the signed-in user (never a token). */
export interface SessionUser {
  id: string;
  username: string | undefined;
  name: string | undefined;
  email: string | undefined;
  roles: string[];
  canCheckout: boolean;
}

export interface SessionTokens {
  accessToken: string;
  refreshToken: string | undefined;
  /** Epoch ms when the access token expires (from expires_in, as seen by the gateway). */
  accessTokenExpiresAt: number;
}

/** One login in progress, bound to the pre-login session (RFC 9700 §4.7: state/nonce/PKCE per session). */
export interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  createdAt: number;
}

/** Sealed at rest. */
export interface SessionSecrets {
  user?: SessionUser;
  tokens?: SessionTokens;
  pendingLogins?: PendingLogin[];
}

/** Plain at rest: nothing here lets anyone act as the user. */
export interface SessionData {
  csrfToken: string;
  cartId?: string;
  /**
   * shop-api accepted a write to this anonymous cart, so it holds (or held) something worth
   * keeping: the session gets the long anonymous lifetime instead of the short empty one.
   */
  cartFilled?: boolean;
}

export interface Session {
  /** The raw cookie value; undefined once loaded from the database by hash only. */
  readonly id: string;
  readonly idHash: string;
  version: number;
  data: SessionData;
  secrets: SessionSecrets;
  sid: string | undefined;
  sub: string | undefined;
  createdAt: number;
  expiresAt: number;
  absoluteExpiresAt: number;
}

export function isAuthenticated(
  session: Session | undefined,
): session is Session & { secrets: { user: SessionUser; tokens: SessionTokens } } {
  return Boolean(session?.secrets.user && session.secrets.tokens);
}
