// Which links the app hands to the OS.
// - isAllowedExternalUrl: what the renderer (and a navigation in the window) may ask main to
//   open: https only, on a vendor's or the MCP docs' host (src-shared/vendors.ts
//   EXTERNAL_LINK_HOSTS) or a subdomain of one. Never an assistant's deep link: a cursor:// or
//   vscode: install link carries a command line for the assistant to run, so a page that
//   could pass one would make the assistant install any command.
// - isAssistantInstallLink: the install links main itself builds from (client, profile)
//   (src-main/clients/snippets.ts) and opens on clients:open-install-link.
import { EXTERNAL_LINK_HOSTS } from '../../src-shared/vendors';

const ASSISTANT_INSTALL_LINKS = ['cursor://anysphere.cursor-deeplink/mcp/install?', 'vscode:mcp/install?', 'vscode-insiders:mcp/install?'];

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

/** An install link of the shape main builds (checked again before it is opened). */
export function isAssistantInstallLink(raw: string): boolean {
  return ASSISTANT_INSTALL_LINKS.some((prefix) => raw.startsWith(prefix)) && !/[\s\\]/.test(raw);
}
