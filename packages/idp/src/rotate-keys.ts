import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { KeyStore } from './keys/key-store.ts';

/**
 * `node packages/idp/src/rotate-keys.ts --data-dir .data/idp --realm techstore [--retain-seconds 360]`
 *
 * Rotates the keys stored in the data folder while the idp is stopped (a running idp rotates with
 * POST {relativePath}/idp-admin/realms/{realm}/rotate-keys instead). The old RSA key stays
 * published for --retain-seconds (default: 300 s token lifespan + 60 s skew), the old HMAC key
 * keeps verifying refresh tokens for --refresh-retain-seconds (default 36060 s).
 */
const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string', default: '.data/idp' },
    realm: { type: 'string', default: 'techstore' },
    'retain-seconds': { type: 'string', default: '360' },
    'refresh-retain-seconds': { type: 'string', default: '36060' },
  },
});
const logger = pino({ name: 'idp-rotate-keys' });
const dataDir = resolve(values['data-dir']);
const store = await KeyStore.open(dataDir, [values.realm], Date.now);
const { kid } = await store.rotate(
  values.realm,
  Number(values['retain-seconds']),
  Number(values['refresh-retain-seconds']),
);
logger.info({ dataDir, realm: values.realm, kid }, 'keys rotated; restart the idp to sign with the new key');
