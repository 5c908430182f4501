export { authMiddleware } from './auth-middleware.ts';
export type { AuthMiddlewareFactory, AuthMiddlewareOptions } from './auth-middleware.ts';
