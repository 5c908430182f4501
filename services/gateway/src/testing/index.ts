// What benchmarks and cross-service tests use of the gateway's test harness
// (`@mockmart/gateway/testing`); the gateway's own tests import the files beside this one.
export { Browser } from './browser.ts';
export { startEchoUpstream } from './fake-upstream.ts';
export type { Received } from './fake-upstream.ts';
export { startGatewayWithIdp } from './idp-harness.ts';
export type { GatewayWithIdp } from './idp-harness.ts';
