import { describe, expect, it } from 'vitest';
import { describeUpstreamFailure, vendorMessage } from '../../src-shared/vendor-errors';

describe('vendor error messages', () => {
  it('parses the flat JSON envelope whatever the content type, else uses the text', () => {
    expect(vendorMessage('{"error": "invalid credentials"}')).toBe('invalid credentials');
    expect(vendorMessage('{"error": {"message": "nested"}}')).toBe('nested');
    expect(vendorMessage('Unauthorized\n')).toBe('Unauthorized');
    expect(vendorMessage('{broken')).toBe('{broken');
  });

  it('names the profile, status, vendor words and the fix', () => {
    expect(describeUpstreamFailure({ profile: 'mcp-claude', endpoint: 'https://x/mcp', status: 401, detail: 'invalid credentials' })).toBe(
      "KeyBridge: the vendor rejected the key for 'mcp-claude' (401 invalid credentials). Rotate or re-enter it in KeyBridge.",
    );
    expect(describeUpstreamFailure({ profile: 'p', endpoint: 'https://x/mcp', status: null, detail: 'connection refused' })).toContain('could not reach https://x/mcp');
    expect(describeUpstreamFailure({ profile: 'p', endpoint: 'https://x/mcp', status: 503, detail: '' })).toContain('https://x/mcp failed');
  });

  it('says it inside the app without "KeyBridge:" or "in KeyBridge", naming the vendor\'s host', () => {
    const app = (status: number | null, detail: string) => describeUpstreamFailure({ profile: 'p', endpoint: 'https://mcp.uptimemonitoring.com/mcp', status, detail, audience: 'app' });
    expect(app(401, 'invalid credentials')).toBe('mcp.uptimemonitoring.com rejected the key (401 invalid credentials).');
    expect(app(null, 'connection refused')).toBe('Could not reach mcp.uptimemonitoring.com (connection refused).');
    expect(app(502, 'bad gateway')).toBe('mcp.uptimemonitoring.com has a problem (502 bad gateway); try again shortly.');
    for (const message of [app(401, 'x'), app(null, 'x'), app(502, 'x'), app(404, 'x')]) expect(message).not.toMatch(/KeyBridge/);
  });
});
