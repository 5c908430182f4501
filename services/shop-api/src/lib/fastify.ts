import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** A route plugin of shop-api: TypeBox-typed, with its dependencies as options. */
export type RoutePlugin<Deps> = FastifyPluginAsyncTypebox<{ deps: Deps }>;
