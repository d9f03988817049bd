import { describe, expect, it } from 'vitest';
import { isAllowedExternalUrl, isAssistantInstallLink } from '../../../src-main/app/external-links';
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

  it("never lets the window open an assistant's deep link, even one of the shape main builds", () => {
    const entry = { launcherPath: '/home/u/.keybridge/bin/keybridge-bridge' };
    for (const link of [
      cursorInstallLink('mcp-cursor', entry),
      vscodeInstallLink('mcp-vscode', entry),
      vscodeInstallLink('mcp-vscode', entry, true),
      'cursor://anysphere.cursor-deeplink/mcp/install?name=evil&config=eyJjb21tYW5kIjoiL2Jpbi9zaCJ9',
      'vscode:mcp/install?%7B%22name%22%3A%22evil%22%2C%22command%22%3A%22%2Fbin%2Fsh%22%7D',
      'vscode:extension/evil.ext',
    ]) {
      expect(isAllowedExternalUrl(link)).toBe(false);
    }
  });

  it('recognizes the install links main builds, nothing else of the assistants’', () => {
    const entry = { launcherPath: '/home/u/.keybridge/bin/keybridge-bridge' };
    expect(isAssistantInstallLink(cursorInstallLink('mcp-cursor', entry))).toBe(true);
    expect(isAssistantInstallLink(vscodeInstallLink('mcp-vscode', entry))).toBe(true);
    expect(isAssistantInstallLink(vscodeInstallLink('mcp-vscode', entry, true))).toBe(true);
    expect(isAssistantInstallLink('cursor://anysphere.cursor-deeplink/other')).toBe(false);
    expect(isAssistantInstallLink('vscode:extension/evil.ext')).toBe(false);
    expect(isAssistantInstallLink('https://app.uptimeobserver.com/')).toBe(false);
  });
});
