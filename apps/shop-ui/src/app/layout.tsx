import { Outlet } from 'react-router';
import { Header } from './header.tsx';
import { SignedOutNotice } from './signed-out-notice.tsx';

export function Layout() {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header />
      <SignedOutNotice />
      <main id="main" className="main">
        <Outlet />
      </main>
      <footer className="footer">
        <p>TechStore — a MockMart demo. Nothing here is for sale.</p>
      </footer>
    </>
  );
}
