export {
  createTestDatabase,
  createThrowawayDatabase,
  LOCAL_POSTGRES,
  type TestDatabase,
} from './test-database.ts';
export { captureLogs } from './capture-logs.ts';
