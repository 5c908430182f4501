import { fileURLToPath } from 'node:url';
import { createLogger } from '@mockmart/service-kit';
import { settleMemoryOnceQuiet } from '@mockmart/service-kit/settle-memory';
import { loadIdpConfig } from './config.ts';
import { IdpError } from './errors.ts';
import { withLocalSecrets } from './standalone-env.ts';
import { startIdp } from './start-idp.ts';

/** The standalone idp process (`npm run idp`, entry: server.ts; env: see README). */
const root = fileURLToPath(new URL('../../../', import.meta.url));
// The kit's logger: JSON lines carrying the active trace id, with credentials and tokens redacted.
const logger = createLogger({ name: 'idp', level: process.env.LOG_LEVEL ?? 'info' });

try {
  const { env, secretsFile, created } = withLocalSecrets(process.env, root);
  if (secretsFile)
    logger.info(
      { secretsFile },
      created ? 'generated local secrets (untracked)' : 'secrets from the local secrets file',
    );
  const config = loadIdpConfig(env, root);
  const idp = await startIdp({ ...config, logger });
  // performance.now() counts from process start: the figure includes Node start-up and module loading.
  // cpuMs is the CPU spent until then, which a busy machine does not inflate the way it does readyMs.
  const cpu = process.cpuUsage();
  logger.info(
    {
      issuer: idp.issuer('techstore'),
      readyMs: Math.round(performance.now()),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    },
    'idp ready',
  );
  settleMemoryOnceQuiet();
  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 5000);
    timer.unref();
    void idp.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
} catch (err) {
  if (err instanceof IdpError) {
    logger.fatal({ code: err.code }, err.message);
  } else {
    logger.fatal({ err }, 'idp failed to start');
  }
  process.exit(1);
}
