// Every route of the app, declared once. Links and the router both use these builders, so a
// renamed path is a type error rather than a dead link.

export const paths = {
  home: { pattern: '/', to: () => '/' },
  product: {
    pattern: '/products/:productId',
    to: (id: number | string) => `/products/${encodeURIComponent(id)}`,
  },
  cart: { pattern: '/cart', to: () => '/cart' },
  checkout: { pattern: '/checkout', to: () => '/checkout' },
  orderConfirmation: {
    pattern: '/checkout/confirmation/:orderId',
    to: (id: number | string) => `/checkout/confirmation/${encodeURIComponent(id)}`,
  },
  orders: { pattern: '/orders', to: () => '/orders' },
  order: { pattern: '/orders/:orderId', to: (id: number | string) => `/orders/${encodeURIComponent(id)}` },
  profile: { pattern: '/profile', to: () => '/profile' },
  admin: { pattern: '/admin', to: () => '/admin' },
  adminProducts: { pattern: '/admin/products', to: () => '/admin/products' },
  adminOrders: { pattern: '/admin/orders', to: () => '/admin/orders' },
  adminMailbox: { pattern: '/admin/mailbox', to: () => '/admin/mailbox' },
  adminFaults: { pattern: '/admin/faults', to: () => '/admin/faults' },
  login: { pattern: '/login', to: () => '/login' },
} as const;

export type PathName = keyof typeof paths;
