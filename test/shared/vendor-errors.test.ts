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
});
