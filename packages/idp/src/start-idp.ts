import { pino, type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildIdpApp } from './app.ts';
import { issuerOf, type IdpContext } from './context.ts';
import { DEFAULT_COMPAT, IdpError, type CompatOptions } from './errors.ts';
import { KeyStore } from './keys/key-store.ts';
import { rotateRealmKeys } from './keys/rotate.ts';
import { join } from 'node:path';
import { hashDeferredPasswords } from './password/deferred-hashing.ts';
import { PasswordHashCache } from './password/hash-cache.ts';
import { DEFAULT_SCRYPT, type ScryptParams } from './password/scrypt.ts';
import { buildRealm } from './realm/build-realm.ts';
import { loadRealmFiles, mergeRealms } from './realm/load-realm-files.ts';
import type { RealmRep } from './realm/representation.ts';
import { BruteForceDetector } from './sessions/brute-force.ts';
import { SessionStore } from './sessions/session-store.ts';
import { dummyHash, primeDummyHash } from './oidc/grants/password.ts';
import { TokenStats, type TokenRequestCount } from './stats.ts';

export interface StartIdpOptions {
  port?: number;
  host?: string;
  /** Origin stamped into `iss` (like KC_HOSTNAME). Default: the idp's own origin. */
  publicUrl?: string;
  /** '' (default) or e.g. '/auth' (KC_HTTP_RELATIVE_PATH). */
  relativePath?: string;
  /** Realm files in Keycloak export format; later files for the same realm are partial realms. */
  realmFiles?: readonly string[];
  /** Realm representations given directly (merged after realmFiles). */
  realms?: readonly RealmRep[];
  /** Values for `${ENV}` placeholders in realm files. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Signing keys are persisted here, and (outside production) the hashes of imported plain-text
   * passwords, so a restart does not hash them again; undefined keeps both in memory.
   */
  dataDir?: string;
  /** A `master` realm with `admin-cli` and this administrator (KC_BOOTSTRAP_ADMIN_*). */
  bootstrapAdmin?: { username: string; password: string };
  compat?: Partial<CompatOptions>;
  passwordHashing?: ScryptParams;
  /** Production mode: refuses realms with sslRequired "none" and an http public URL. */
  production?: boolean;
  logger?: Logger;
  now?: () => number;
  fetch?: typeof fetch;
}

export interface Idp {
  /** Internal origin the idp listens on, e.g. http://127.0.0.1:43121. */
  readonly url: string;
  /** Internal base (origin + relative path), e.g. http://127.0.0.1:43121/auth. */
  readonly baseUrl: string;
  readonly app: FastifyInstance;
  issuer(realm: string): string;
  stats(): { since: string; tokenRequests: TokenRequestCount[] };
  rotateKeys(realm?: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the embedded Keycloak-26-compatible identity provider.
 *
 * @example
 * const idp = await startIdp({ port: 0, publicUrl: 'http://localhost:8080', relativePath: '/auth',
 *   realmFiles: ['deploy/keycloak/techstore-realm.json'], env: { GATEWAY_CLIENT_SECRET: '…' } });
 * idp.issuer('techstore'); // http://localhost:8080/auth/realms/techstore
 */
export async function startIdp(options: StartIdpOptions = {}): Promise<Idp> {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? pino({ name: 'idp', level: 'info' });
  const relativePath = normalizePath(options.relativePath ?? '');
  const hashing = options.passwordHashing ?? DEFAULT_SCRYPT;
  const merge = { production: options.production ?? false };
  const reps = mergeRealms(
    [
      ...(await loadRealmFiles(options.realmFiles ?? [], options.env ?? {}, merge)),
      ...(options.realms ?? []),
    ],
    merge,
  );
  if (options.bootstrapAdmin) reps.push(masterRealm(options.bootstrapAdmin));
  if (reps.length === 0)
    throw new IdpError('IDP_CONFIG_INVALID', 'no realm configured: pass realmFiles or realms');
  if (options.production) {
    for (const r of reps) {
      if ((r.sslRequired ?? 'external') === 'none')
        throw new IdpError(
          'IDP_PRODUCTION_REFUSED',
          `realm ${r.realm} has sslRequired "none"; production needs "external" or "all"`,
        );
    }
    for (const r of reps)
      for (const c of r.clients ?? [])
        if (c.publicClient && c.directAccessGrantsEnabled && c.clientId !== 'admin-cli')
          throw new IdpError(
            'IDP_PRODUCTION_REFUSED',
            `realm ${r.realm}: client ${c.clientId} is public with direct access grants — anyone may trade a ` +
              'password for tokens without a client secret; such clients are for development only',
          );
    if (options.publicUrl && !options.publicUrl.startsWith('https://')) {
      throw new IdpError(
        'IDP_PRODUCTION_REFUSED',
        `public URL ${options.publicUrl} is not https; production tokens must name an https issuer`,
      );
    }
  }
  // Production imports no demo users and pays its few hashes once per start: no file of hashes there.
  const hashCache =
    options.dataDir && !options.production
      ? await PasswordHashCache.open(join(options.dataDir, PASSWORD_HASH_FILE))
      : undefined;
  const realms = await Promise.all(reps.map((r) => buildRealm(r, hashing, hashCache)));
  const keys = await KeyStore.open(
    options.dataDir,
    realms.map((r) => r.name),
    now,
  );
  const ctx: IdpContext = {
    realms: new Map(realms.map((r) => [r.name, r])),
    keys,
    sessions: new SessionStore(now),
    bruteForce: new BruteForceDetector(now),
    stats: new TokenStats(),
    compat: { ...DEFAULT_COMPAT, ...options.compat },
    hashing,
    logger,
    now,
    publicUrl: '',
    relativePath,
    production: options.production ?? false,
    fetch: options.fetch ?? fetch,
  };
  const cachedDummy = hashCache?.get(DUMMY_HASH_OWNER, '', hashing);
  if (cachedDummy) primeDummyHash(ctx, cachedDummy);
  const app = await buildIdpApp(ctx);
  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host =
    options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  ctx.publicUrl = (options.publicUrl ?? url).replace(/\/+$/, '');
  // Only now, and one at a time: scrypt hashes hold thread-pool threads (see deferred-hashing.ts).
  // close() stops it between two hashes and waits for the one running and the file it writes, so
  // nothing touches the data folder once the idp is closed.
  let closing = false;
  const importedPasswords = (async () => {
    const started = performance.now();
    let hashed = cachedDummy ? 0 : 1;
    for (const realm of realms)
      hashed += await hashDeferredPasswords(
        realm.users,
        (err) => logger.error({ err, realm: realm.name }, 'password hashing failed'),
        () => closing,
      );
    if (closing) return;
    // Unknown users then cost the same hash as known ones from the first login on.
    hashCache?.set(DUMMY_HASH_OWNER, '', hashing, await dummyHash(ctx));
    await hashCache?.save();
    logger.info({ ms: Math.round(performance.now() - started), hashed }, 'imported passwords hashed');
  })().catch((err: unknown) => logger.error({ err }, 'password hashing failed'));
  const sweep = setInterval(() => ctx.sessions.sweep((name) => ctx.realms.get(name)?.settings), 60_000);
  sweep.unref();
  logger.info(
    { url, publicUrl: ctx.publicUrl, relativePath, realms: realms.map((r) => r.name) },
    'idp listening',
  );
  return {
    url,
    baseUrl: `${url}${relativePath}`,
    app,
    issuer: (realm) => issuerOf(ctx, realm),
    stats: () => ctx.stats.snapshot(),
    async rotateKeys(realm) {
      for (const r of realm ? [realm] : [...ctx.realms.keys()]) {
        const model = ctx.realms.get(r);
        if (!model) throw new IdpError('IDP_NOT_FOUND', `no realm ${r}`);
        await rotateRealmKeys(ctx.keys, model);
      }
    },
    async close() {
      closing = true;
      clearInterval(sweep);
      await app.close();
      await importedPasswords;
      await hashCache?.saved();
    },
  };
}

/** In the data folder, beside keys.json. */
export const PASSWORD_HASH_FILE = 'password-hashes.json';
/** The cache's name for the hash of a random password that unknown users are checked against. */
const DUMMY_HASH_OWNER = '(unknown users)';

function normalizePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return '';
  if (!/^\/[A-Za-z0-9._~\-/]*$/.test(trimmed))
    throw new IdpError('IDP_CONFIG_INVALID', `relativePath "${path}" must look like /auth`);
  return trimmed;
}

/** The `master` realm of a fresh Keycloak with its bootstrap administrator (realm role `admin`). */
function masterRealm(admin: { username: string; password: string }): RealmRep {
  return {
    realm: 'master',
    sslRequired: 'external',
    bruteForceProtected: true,
    failureFactor: 5,
    accessTokenLifespan: 60,
    roles: {
      realm: [
        { name: 'admin', description: '${role_admin}' },
        { name: 'create-realm', description: '${role_create-realm}' },
      ],
    },
    users: [
      {
        username: admin.username,
        enabled: true,
        realmRoles: ['admin', 'default-roles-master'],
        credentials: [{ type: 'password', value: admin.password, temporary: false }],
      },
    ],
  };
}
