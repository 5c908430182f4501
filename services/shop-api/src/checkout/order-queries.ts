import { findOrder, findOrders, type OrderFilter } from './orders-repository.ts';
import { toOrderView, toOrderViews } from './order-view.ts';
import { OrderNotFound } from '../errors.ts';
import { pagingFrom, toPage, type Page } from '../lib/pagination.ts';
import type { Queryable } from '../lib/db.ts';
import type { OrderStatus, OrderView } from './schemas.ts';

/** The reading side of orders, for the orders and admin capabilities. */
export interface OrderQuery {
  userId?: string | undefined;
  status?: OrderStatus | undefined;
  page?: number | undefined;
  pageSize?: number | undefined;
}

export async function listOrders(db: Queryable, query: OrderQuery): Promise<OrderView[] | Page<OrderView>> {
  const paging = pagingFrom(query);
  const filter: OrderFilter = {
    userId: query.userId,
    status: query.status,
    limit: paging?.limit,
    offset: paging?.offset,
  };
  const { rows, total } = await findOrders(db, filter);
  const views = await toOrderViews(db, rows);
  return paging ? toPage(views, total, paging) : views;
}

/**
 * One order, only if `ownerId` owns it (or any order when ownerId is undefined: admin). Another
 * user's order is "not found", never "forbidden": ids must not reveal which orders exist.
 */
export async function getOrder(db: Queryable, id: number, ownerId: string | undefined): Promise<OrderView> {
  const order = await findOrder(db, id);
  if (!order || (ownerId !== undefined && order.user_id !== ownerId))
    throw new OrderNotFound(`No order ${id}`);
  return toOrderView(db, order);
}
