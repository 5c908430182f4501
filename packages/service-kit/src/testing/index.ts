export {
  createTestDatabase,
  createThrowawayDatabase,
  INJECTED_DATABASE_URL,
  LOCAL_POSTGRES,
  testPostgresUrl,
  type TestDatabase,
} from './test-database.ts';
export { captureLogs } from './capture-logs.ts';
export {
  authorizationMatrix,
  breakSignature,
  type AuthMatrixOptions,
  type MatrixIssuer,
  type ProtectedRoute,
} from './auth-matrix.ts';
export {
  startServiceHarness,
  type HarnessApp,
  type HarnessIssuer,
  type ServiceHarness,
  type ServiceHarnessOptions,
} from './service-harness.ts';
export { describeServiceBasics, type BasicsHarness, type ServiceBasicsOptions } from './service-basics.ts';
export { collectMetrics, type CollectedMetrics } from './metrics.ts';
