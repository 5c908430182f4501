import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AuthError } from '../errors.ts';
import type { AuthRequirement } from '../guards/guards.ts';
import { assertRequirement, authenticateRequest } from '../http/authenticate-request.ts';
import { NOT_STORED } from '../http/not-stored.ts';
import { authProblem } from '../http/problem.ts';
import type { Principal } from '../principal/principal.ts';
import type { AccessTokenVerifier } from '../verify/verify-access-token.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by an auth middleware: always on guarded routes, on public routes only for a valid token. */
    principal?: Principal;
  }
}

export interface AuthMiddlewareOptions {
  verifier: AccessTokenVerifier;
  /** WWW-Authenticate realm. Default: the verifier's realm. */
  realm?: string;
}

/** `auth(requirement)` builds the per-route middleware. */
export type AuthMiddlewareFactory = (requirement: AuthRequirement) => RequestHandler;

/**
 * Express adapter. Express has no route metadata, so the requirement is passed per route:
 *
 * @example
 * const auth = authMiddleware({ verifier });
 * app.get('/api/orders', auth(requireUser()), handler);
 * app.get('/api/products', auth('public'), handler);
 *
 * Failures are answered here (problem+json + RFC 6750 challenge) and never reach `next(err)`, so an
 * app's generic error handler cannot turn them into 500s. Errors that are not AuthErrors go to next().
 */
export function authMiddleware(options: AuthMiddlewareOptions): AuthMiddlewareFactory {
  const verifier = options?.verifier;
  if (!verifier || typeof verifier.verify !== 'function') {
    throw new AuthError(
      'AUTH_CONFIG_INVALID',
      'authMiddleware needs { verifier: createAccessTokenVerifier(...) }',
    );
  }
  const realm = options.realm ?? verifier.options.realm;

  return (requirementInput: AuthRequirement): RequestHandler => {
    const requirement = assertRequirement(requirementInput, 'authMiddleware(...)(requirement)');
    return (request: Request, response: Response, next: NextFunction): void => {
      authenticateRequest(verifier, request.headers.authorization, requirement).then(
        (principal) => {
          if (principal !== undefined) {
            request.principal = principal;
            response.setHeader('cache-control', NOT_STORED);
          }
          next();
        },
        (error: unknown) => {
          if (!(error instanceof AuthError)) return next(error);
          const problem = authProblem(error, realm, request.originalUrl.split('?')[0]);
          response.status(problem.status).set(problem.headers).send(JSON.stringify(problem.body));
        },
      );
    };
  };
}
