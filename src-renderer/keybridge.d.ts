// The page's only door to main: the named actions the preload exposes (src-shared/preload-api.ts).
import type { KeyBridgeApi } from '../src-shared/preload-api';

declare global {
  interface Window {
    readonly keybridge: KeyBridgeApi;
  }
}

export {};
