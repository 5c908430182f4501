/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_TEST_PAYMENT_METHODS?: string;
  readonly VITE_CURRENCY?: string;
}
