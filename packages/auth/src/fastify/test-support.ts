// Test-only re-exports so adapter tests import from one place.
export {
  createAccessTokenVerifier,
  requireRealmRoles,
  requireScopes,
  requireServiceAccount,
  requireUser,
} from '../index.ts';
export { silentLogger as silentLoggerForTests } from '../lib/logger.ts';
