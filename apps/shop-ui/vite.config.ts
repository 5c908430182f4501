// Vite builds the SPA into dist/, which the gateway serves. In development the dev server proxies
// every backend path to the gateway so the browser sees one origin, exactly as in production:
// the session cookie, CSRF header and /auth login pages all work unchanged.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const gateway = process.env.GATEWAY_URL ?? 'http://localhost:8080';
const proxied = { target: gateway, changeOrigin: false, xfwd: true };

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    strictPort: true,
    proxy: { '/api': proxied, '/bff': proxied, '/auth': proxied },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // The gateway's CSP is default-src 'self': no inline scripts or styles may be emitted.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
