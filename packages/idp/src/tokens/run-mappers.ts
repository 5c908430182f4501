import type { ProtocolMapperRep } from '../realm/representation.ts';
import type { Claims } from './claims.ts';
import { LATE_MAPPERS, MAPPERS } from './mapper-registry.ts';
import { mapperApplies, type MapperContext, type TokenKind } from './mapper-context.ts';

/**
 * The mapper pipeline: the client's own mappers, then those of each granted client scope, in
 * order; audience resolution last. Each writes only into the token kinds its config allows.
 */
export function runMappers(claims: Claims, ctx: MapperContext, kind: TokenKind, lightweight = false): Claims {
  const all: ProtocolMapperRep[] = [
    ...ctx.client.protocolMappers,
    ...ctx.scopes.flatMap((s) => s.protocolMappers),
  ];
  const early = all.filter((m) => !LATE_MAPPERS.has(m.protocolMapper ?? ''));
  const late = all.filter((m) => LATE_MAPPERS.has(m.protocolMapper ?? ''));
  for (const mapper of [...early, ...late]) {
    if (!mapperApplies(mapper, kind, lightweight)) continue;
    const run = MAPPERS[mapper.protocolMapper ?? ''];
    if (!run) continue;
    try {
      run(claims, mapper.config ?? {}, ctx);
    } catch (err) {
      ctx.warn(`mapper ${mapper.name ?? mapper.protocolMapper} failed: ${(err as Error).message}`);
    }
  }
  return claims;
}
