import { describe, expect, it } from 'vitest';
import { isAllowedExternalUrl } from '../../../src-main/core/external-links';
import { cursorInstallLink, vscodeInstallLink } from '../../../src-main/clients';

describe('external links', () => {
  it('opens https vendor and docs pages only', () => {
    expect(isAllowedExternalUrl('https://app.uptimeobserver.com/integrations/mcp')).toBe(true);
    expect(isAllowedExternalUrl('https://modelcontextprotocol.io/docs')).toBe(true);
    expect(isAllowedExternalUrl('http://app.uptimeobserver.com/')).toBe(false);
    expect(isAllowedExternalUrl('https://uptimeobserver.com.evil.example/')).toBe(false);
    expect(isAllowedExternalUrl('https://user:pw@uptimeobserver.com/')).toBe(false);
    expect(isAllowedExternalUrl('file:///etc/passwd')).toBe(false);
    expect(isAllowedExternalUrl('javascript:alert(1)')).toBe(false);
  });

  it("opens the assistants' MCP install links the Clients screen offers, nothing else of theirs", () => {
    const entry = { launcherPath: '/home/u/.keybridge/bin/keybridge-bridge' };
    expect(isAllowedExternalUrl(cursorInstallLink('mcp-cursor', entry))).toBe(true);
    expect(isAllowedExternalUrl(vscodeInstallLink('mcp-vscode', entry))).toBe(true);
    expect(isAllowedExternalUrl(vscodeInstallLink('mcp-vscode', entry, true))).toBe(true);
    expect(isAllowedExternalUrl('cursor://anysphere.cursor-deeplink/other')).toBe(false);
    expect(isAllowedExternalUrl('vscode:extension/evil.ext')).toBe(false);
  });
});
