// What an upstream session needs to reach the vendor: the endpoint, the one auth header's
// style, the key, and the user's proxy/CA settings. Exists only inside KeyBridge's processes.
import type { AuthStyle, NetworkSettings } from '../../src-shared/endpoint';

export interface UpstreamCredentials {
  endpoint: string;
  auth: AuthStyle;
  key: string;
  /** The key's fingerprint (`sha256:…`): tells a rotated key from the same one. */
  keyId: string;
  network?: NetworkSettings;
}
