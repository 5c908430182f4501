export type { Database, ListenHandlers, Queryable, QueryOptions } from '@mockmart/service-kit/db';
