// Which links the app hands to the OS: https only, on a vendor's or the MCP docs' host
// (src-shared/vendors.ts EXTERNAL_LINK_HOSTS) or a subdomain of one; plus the assistants' own
// "install this MCP server" links that the Clients screen offers (Cursor, VS Code).
import { EXTERNAL_LINK_HOSTS } from '../../src-shared/vendors';

const ASSISTANT_INSTALL_LINKS = ['cursor://anysphere.cursor-deeplink/mcp/install?', 'vscode:mcp/install?', 'vscode-insiders:mcp/install?'];

export function isAllowedExternalUrl(raw: string): boolean {
  if (ASSISTANT_INSTALL_LINKS.some((prefix) => raw.startsWith(prefix))) return !/[\s\\]/.test(raw);
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
