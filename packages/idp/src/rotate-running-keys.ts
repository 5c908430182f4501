import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@mockmart/service-kit';
import { loadRotateCommandConfig } from './config.ts';
import { IdpError } from './errors.ts';
import { rotateRunningIdpKeys } from './keys/rotate-running-idp.ts';
import { withLocalSecrets } from './standalone-env.ts';

/**
 * `npm run idp:rotate-keys [-- --realm techstore]`: rotates the signing keys of the RUNNING idp
 * (npm start or npm run idp) with the operator credential from the environment or, in
 * development, from the local secrets file npm start generates. Tokens already issued keep
 * verifying: the old key stays published until they expire. Env: IDP_URL (or IDP_HOST, IDP_PORT,
 * IDP_RELATIVE_PATH), IDP_BOOTSTRAP_ADMIN_USERNAME (default temp-admin), IDP_BOOTSTRAP_ADMIN_PASSWORD.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const logger = createLogger({ name: 'idp-rotate-keys', level: process.env.LOG_LEVEL ?? 'info' });
const { values } = parseArgs({ options: { realm: { type: 'string', default: 'techstore' } } });

try {
  const config = loadRotateCommandConfig(withLocalSecrets(process.env, root, { create: false }).env);
  const { kid } = await rotateRunningIdpKeys({ ...config, realm: values.realm });
  logger.info(
    { idp: config.baseUrl, realm: values.realm, kid },
    'keys rotated; new tokens are signed with the new key, the old one stays published until its tokens expire',
  );
} catch (err) {
  if (err instanceof IdpError) logger.fatal({ code: err.code }, err.message);
  else logger.fatal({ err }, 'key rotation failed');
  process.exitCode = 1;
}
