import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { RequireAuth } from '../components/require-auth.tsx';
import { paths } from '../config/paths.ts';
import { AdminLayout } from '../features/admin/components/admin-layout.tsx';
import { AdminOrdersPage } from '../features/admin/components/admin-orders-page.tsx';
import { AdminProductsPage } from '../features/admin/components/admin-products-page.tsx';
import { FaultsPage } from '../features/admin/components/faults-page.tsx';
import { MailboxPage } from '../features/admin/components/mailbox-page.tsx';
import { CartPage } from '../features/cart/components/cart-page.tsx';
import { OrderConfirmationPage } from '../features/checkout/components/order-confirmation-page.tsx';
import { OrderDetailPage } from '../features/orders/components/order-detail-page.tsx';
import { OrdersPage } from '../features/orders/components/orders-page.tsx';
import { ProfilePage } from '../features/profile/components/profile-page.tsx';
import { AuthProvider } from '../lib/auth.tsx';
import { ToastProvider } from '../lib/toast.tsx';
import { CatalogRoute, CheckoutRoute, ProductRoute, SessionCart } from './composition.tsx';
import { Layout } from './layout.tsx';
import { LoginRoute } from './login-route.tsx';
import { NotFoundPage } from './not-found-page.tsx';

export function App() {
  return (
    <BrowserRouter>
      <ToastProvider>
        <AuthProvider>
          <SessionCart>
            <Routes>
              <Route element={<Layout />}>
                <Route path={paths.home.pattern} element={<CatalogRoute />} />
                <Route path={paths.product.pattern} element={<ProductRoute />} />
                <Route path={paths.cart.pattern} element={<CartPage />} />
                <Route path={paths.login.pattern} element={<LoginRoute />} />
                <Route
                  path={paths.checkout.pattern}
                  element={
                    <RequireAuth>
                      <CheckoutRoute />
                    </RequireAuth>
                  }
                />
                <Route
                  path={paths.orderConfirmation.pattern}
                  element={
                    <RequireAuth>
                      <OrderConfirmationPage />
                    </RequireAuth>
                  }
                />
                <Route
                  path={paths.orders.pattern}
                  element={
                    <RequireAuth>
                      <OrdersPage />
                    </RequireAuth>
                  }
                />
                <Route
                  path={paths.order.pattern}
                  element={
                    <RequireAuth>
                      <OrderDetailPage />
                    </RequireAuth>
                  }
                />
                <Route
                  path={paths.profile.pattern}
                  element={
                    <RequireAuth>
                      <ProfilePage />
                    </RequireAuth>
                  }
                />
                <Route
                  path={paths.admin.pattern}
                  element={
                    <RequireAuth role="admin">
                      <AdminLayout />
                    </RequireAuth>
                  }
                >
                  <Route index element={<Navigate to={paths.adminProducts.to()} replace />} />
                  <Route path={paths.adminProducts.pattern} element={<AdminProductsPage />} />
                  <Route path={paths.adminOrders.pattern} element={<AdminOrdersPage />} />
                  <Route path={paths.adminMailbox.pattern} element={<MailboxPage />} />
                  <Route path={paths.adminFaults.pattern} element={<FaultsPage />} />
                </Route>
                <Route path="*" element={<NotFoundPage />} />
              </Route>
            </Routes>
          </SessionCart>
        </AuthProvider>
      </ToastProvider>
    </BrowserRouter>
  );
}
