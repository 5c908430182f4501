import type { FastifyContextConfig, FastifyPluginAsync } from 'fastify';
import swagger from '@fastify/swagger';
import fp from 'fastify-plugin';

export interface OpenApiInfo {
  title: string;
  description: string;
  version: string;
}

/**
 * OpenAPI 3.1 document built from the route schemas, served publicly at /openapi.json (API docs and
 * the gateway's route checks read it), declaring bearer-JWT security on every operation. Not
 * encapsulated, so it sees every route registered after it: register it before the routes.
 *
 * @example await app.register(openApi, { title: 'MockMart inventory', description: '…', version: '1.0.0' });
 */
const plugin: FastifyPluginAsync<OpenApiInfo> = async (app, info) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: info.title, description: info.description, version: info.version },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
  });
  // `auth: 'public'` is @mockmart/auth's marker for an open route (the document holds no secrets).
  const config = { auth: 'public' } as FastifyContextConfig;
  app.get('/openapi.json', { config, schema: { hide: true } }, async () => app.swagger());
};

export const openApi = fp(plugin, { name: 'openapi' });
