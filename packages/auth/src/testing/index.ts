export { startTestIssuer } from './test-issuer.ts';
export type { IssuerFaults, SignOptions, TestIssuer, TestIssuerOptions } from './test-issuer.ts';
export type { TestClient } from './default-clients.ts';
export { techstoreClients } from './default-clients.ts';
export type { ServiceTokenOptions, TokenOptions, UserTokenOptions } from './token-claims.ts';
export { stableId } from './token-claims.ts';
export { silentLogger } from '../lib/logger.ts';
export { captureLogger } from './capture-logger.ts';
export type { LogEntry } from './capture-logger.ts';
