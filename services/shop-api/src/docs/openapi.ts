import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/**
 * OpenAPI generated from the route schemas, with Swagger UI at /api-docs (direct) and /api/docs
 * (reachable through the gateway's /api proxy). No `servers` entry: "Try it out" uses the origin
 * the page was loaded from (the original pinned http://localhost:3001, which never worked).
 * Registered before the auth plugin: documentation is public and declares no guard.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'TechStore shop API',
        version: '1.0.0',
        description:
          'Catalog, cart, checkout, orders, profile and administration. Errors are application/problem+json with a stable `code`. Money: `priceMinor`/`totalMinor` are integer minor units; `price`/`total` the same amount in major units.',
      },
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'access token with aud shop-api',
          },
          cartId: {
            type: 'apiKey',
            in: 'header',
            name: 'X-Cart-Id',
            description: 'anonymous cart id (set by the gateway)',
          },
        },
      },
    },
  });
  // Each UI in its own context: the plugin decorates its instance and refuses a second decoration.
  for (const routePrefix of ['/api-docs', '/api/docs']) {
    await app.register(async (child) => {
      await child.register(swaggerUi, {
        routePrefix,
        uiConfig: { docExpansion: 'list', deepLinking: false },
      });
    });
  }
}
