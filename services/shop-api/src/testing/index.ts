// What benchmarks and cross-service tests use of shop-api's test harness
// (`@mockmart/shop-api/testing`); shop-api's own tests import the files beside this one.
export { ADDRESS, bearer, startHarness } from './harness.ts';
export type { Harness } from './harness.ts';
