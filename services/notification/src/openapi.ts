import type { FastifyPluginAsync } from 'fastify';
import swagger from '@fastify/swagger';

export interface OpenApiInfo {
  title: string;
  description: string;
  version: string;
}

/**
 * OpenAPI 3 document built from the route schemas, served publicly at /openapi.json (API docs and
 * the gateway's route checks read it). Not encapsulated, so it sees every route registered after it.
 */
const plugin: FastifyPluginAsync<OpenApiInfo> = async (app, info) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info,
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
  });
  app.get('/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () => app.swagger());
};

Object.assign(plugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'openapi',
});

export const openApi = plugin;
