// The two first-class vendors and the custom profile, as their public docs describe them
// (docs/vendors.md).
import { z } from 'zod';
import type { AuthStyle } from './endpoint';
import { KEY_PREFIXES } from './key-prefixes';

export const vendorIdSchema = z.enum(['uptimeobserver', 'uptimemonitoring', 'custom']);
export type VendorId = z.infer<typeof vendorIdSchema>;

/** What happens to the old key when the user rotates. */
export type RotationFate = 'until-revoked' | 'grace' | 'none';

export interface VendorPreset {
  id: VendorId;
  label: string;
  keyPrefix: string | null;
  /** Null where the user enters the MCP URL. */
  defaultEndpoint: string | null;
  auth: AuthStyle;
  rotation: RotationFate;
  graceMs: number | null;
  /** Where the user creates, rotates and revokes keys. */
  keysPageUrl: string | null;
  maxKeysPerAccount: number | null;
}

export const VENDORS: Readonly<Record<VendorId, VendorPreset>> = {
  uptimeobserver: {
    id: 'uptimeobserver',
    label: 'UptimeObserver',
    keyPrefix: KEY_PREFIXES.uptimeobserver,
    defaultEndpoint: 'https://mcp.uptimeobserver.com/mcp',
    auth: 'x-api-key',
    rotation: 'until-revoked',
    graceMs: null,
    keysPageUrl: 'https://app.uptimeobserver.com/integrations/mcp',
    maxKeysPerAccount: null,
  },
  uptimemonitoring: {
    id: 'uptimemonitoring',
    label: 'UptimeMonitoring',
    keyPrefix: KEY_PREFIXES.uptimemonitoring,
    defaultEndpoint: null,
    auth: 'bearer',
    rotation: 'grace',
    graceMs: 5 * 60 * 1000,
    keysPageUrl: 'https://app.uptimemonitoring.com/settings/api-keys',
    maxKeysPerAccount: 10,
  },
  custom: {
    id: 'custom',
    label: 'Custom MCP server',
    keyPrefix: null,
    defaultEndpoint: null,
    auth: 'bearer',
    rotation: 'none',
    graceMs: null,
    keysPageUrl: null,
    maxKeysPerAccount: null,
  },
};

/** Suggested profile names, one per tool or environment (UptimeMonitoring's advice). */
export const SUGGESTED_PROFILE_NAMES = ['mcp-claude', 'mcp-cursor', 'mcp-vscode', 'mcp-windsurf', 'mcp-claude-code', 'ci-prod', 'local-dev'] as const;

/** https hosts the app may open in the user's browser (vendor dashboards and docs). */
export const EXTERNAL_LINK_HOSTS: readonly string[] = [
  'uptimeobserver.com',
  'uptimemonitoring.com',
  'modelcontextprotocol.io',
];
