/**
 * Configuration: the environment is parsed once, at start-up, against a TypeBox schema into a
 * frozen typed object. Every problem is collected into one error that names the variable, what is
 * wrong and how to fix it, so a misconfigured service never starts half-way.
 *
 * @example
 *   const schema = Type.Object({ ...serviceConfigSchema('inventory', 3011).properties });
 *   const config = loadConfig(schema, process.env);
 */
export { loadConfig, ConfigError } from './load-config.ts';
export { secret, isSecret } from './secret.ts';
export { serviceConfigSchema, keycloakConfigSchema, keycloakOptions } from './common-schemas.ts';
