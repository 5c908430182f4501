export { authPlugin } from './auth-plugin.ts';
export type { AuthPluginOptions } from './auth-plugin.ts';
