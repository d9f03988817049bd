import { describe, expect, it } from 'vitest';
import { endpointSchema, profileSettingsSchema } from '../../src-shared/profile';

describe('profile settings', () => {
  it('accepts https anywhere and http only on this machine', () => {
    expect(endpointSchema.safeParse('https://mcp.uptimeobserver.com/mcp').success).toBe(true);
    expect(endpointSchema.safeParse('http://127.0.0.1:8080/mcp').success).toBe(true);
    expect(endpointSchema.safeParse('http://localhost/mcp').success).toBe(true);
    expect(endpointSchema.safeParse('http://example.com/mcp').success).toBe(false);
    expect(endpointSchema.safeParse('ftp://example.com').success).toBe(false);
    expect(endpointSchema.safeParse('mcp.example.com').success).toBe(false);
  });

  it('checks names and fills defaults', () => {
    const parsed = profileSettingsSchema.parse({ name: 'mcp-claude', vendor: 'uptimeobserver', endpoint: 'https://mcp.uptimeobserver.com/mcp', auth: 'x-api-key' });
    expect(parsed).toMatchObject({ keyPrefix: null, note: '' });
    expect(profileSettingsSchema.safeParse({ ...parsed, name: 'has space' }).success).toBe(false);
  });
});
