// Which links the app opens in the user's browser: https only, on a vendor's or the MCP
// docs' host (src-shared/vendors.ts EXTERNAL_LINK_HOSTS) or a subdomain of one.
import { EXTERNAL_LINK_HOSTS } from '../../src-shared/vendors';

export function isAllowedExternalUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.port) return false;
  const host = url.hostname.toLowerCase();
  return EXTERNAL_LINK_HOSTS.some((allowed) => host === allowed || host.endsWith(`.${allowed}`));
}
