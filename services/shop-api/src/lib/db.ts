export type { Database, ListenHandlers, Queryable } from '@mockmart/service-kit/db';
