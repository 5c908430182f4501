import type { Logger } from 'pino';
import type { CompatOptions } from './errors.ts';
import type { KeyStore } from './keys/key-store.ts';
import type { ScryptParams } from './password/scrypt.ts';
import type { Realm } from './realm/model.ts';
import type { BruteForceDetector } from './sessions/brute-force.ts';
import type { SessionStore } from './sessions/session-store.ts';
import type { TokenStats } from './stats.ts';

/** Everything the endpoints share, built once by startIdp. */
export interface IdpContext {
  realms: Map<string, Realm>;
  keys: KeyStore;
  sessions: SessionStore;
  bruteForce: BruteForceDetector;
  stats: TokenStats;
  compat: CompatOptions;
  hashing: ScryptParams;
  logger: Logger;
  now: () => number;
  /** Origin stamped into `iss` and front-channel URLs, e.g. http://localhost:8080. */
  publicUrl: string;
  /** '' or a path such as '/auth'. */
  relativePath: string;
  production: boolean;
  /** Master-realm administrators (bootstrap admin) exist. */
  fetch: typeof fetch;
}

export const issuerOf = (ctx: Pick<IdpContext, 'publicUrl' | 'relativePath'>, realm: string): string =>
  `${ctx.publicUrl}${ctx.relativePath}/realms/${encodeURIComponent(realm)}`;
