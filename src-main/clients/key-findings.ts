// The plaintext keys in one assistant's files, safe to show: each finding carries the key
// masked and its fingerprint, never the key itself (migrate() reads it again from the file).
import { createHash } from 'node:crypto';
import type { AuthStyle } from '../../src-shared/endpoint';
import { detectVendor, maskKey } from '../../src-shared/key-format';
import { endpointSchema } from '../../src-shared/profile';
import { VENDORS, type VendorId } from '../../src-shared/vendors';
import { keyFingerprint } from '../upstream/key-fingerprint';
import { backupsHolding } from './config-backups';
import { scanEntry, type RawFinding } from './key-scan';
import type { ClientId, ClientRef, ClientTarget } from './registry';
import { readClientFiles, type FileProblem, type ServerBlock } from './server-blocks';

/** The profiles KeyBridge holds, with their key's fingerprint (never the key). */
export interface HeldProfiles {
  profiles(): { name: string; fingerprint: string | null }[];
}

/** One plaintext key in one entry, safe to show: the key is masked. */
export interface KeyFinding {
  /** Stable while the entry is unchanged; pass it to migrate(). */
  id: string;
  client: ClientId;
  ref: ClientRef;
  clientLabel: string;
  /** The file the key is in (VS Code: mcp.json or settings.json). */
  configPath: string;
  /** Null for the client's main servers; else `project /src/app` or `settings.json`. */
  scope: string | null;
  entryName: string;
  where: string;
  maskedKey: string;
  /** The key's fingerprint (`sha256:…`), as the vault shows it. */
  fingerprint: string;
  vendor: VendorId;
  auth: AuthStyle;
  /** The MCP URL the profile would use: the entry's, else the vendor's default. */
  endpoint: string | null;
  /** Whether the entry itself names that URL (else the user may enter or change it). */
  endpointFromEntry: boolean;
  /** Null when migrate() can run as is; else what is missing (e.g. the MCP URL). */
  problem: string | null;
  /** A local server: the command line it runs. Replacing it with the bridge changes what runs. */
  local: string | null;
  /** Whether the local server can keep running with its key out of the file (VS Code inputs). */
  keepLocalPossible: boolean;
  /** The profile that already holds this very key (same fingerprint), if any. */
  existingProfile: string | null;
  /** How many of KeyBridge's backups of this file hold the key too. */
  backupsHoldingKey: number;
  suggestedProfile: string;
}

/** The scan of one client: its findings, and the files (or blocks) it could not read. */
export interface ClientScan {
  findings: KeyFinding[];
  problems: FileProblem[];
}

/** A key as found: the block it is in, and the entry and place within it. */
export interface Located {
  block: ServerBlock;
  raw: RawFinding;
}

export function findingId(block: ServerBlock, raw: RawFinding): string {
  return createHash('sha256').update(`${block.configPath}\0${block.path.join('\0')}\0${raw.entryName}\0${raw.location}`).digest('hex').slice(0, 16);
}

/** A profile name from an entry name: `uptime`, `my-server`. */
export function baseProfileName(entryName: string): string {
  const name = entryName.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 56);
  return name || 'migrated';
}

/** `base`, or `base-2`, `base-3`… whichever is not in `taken`. */
export function freeName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Every key in the servers of these blocks. */
export function located(blocks: { block: ServerBlock; servers: Record<string, unknown> }[]): Located[] {
  return blocks.flatMap(({ block, servers }) => Object.entries(servers).flatMap(([name, value]) => scanEntry(name, value).map((raw) => ({ block, raw }))));
}

export function describeFinding(target: ClientTarget, { block, raw }: Located, vault: HeldProfiles, backups: number): KeyFinding {
  const vendor = detectVendor(raw.key) ?? 'custom';
  const endpoint = raw.endpoint ?? VENDORS[vendor].defaultEndpoint;
  const valid = endpoint !== null && endpointSchema.safeParse(endpoint).success;
  const fingerprint = keyFingerprint(raw.key);
  return {
    id: findingId(block, raw),
    client: target.id,
    ref: target.ref,
    clientLabel: target.label,
    configPath: block.configPath,
    scope: block.scope,
    entryName: raw.entryName,
    where: raw.location,
    maskedKey: maskKey(raw.key),
    fingerprint,
    vendor,
    auth: raw.auth ?? VENDORS[vendor].auth,
    endpoint,
    endpointFromEntry: raw.endpoint !== null,
    problem: endpoint === null ? 'The entry names no MCP URL: enter it to move this key.' : valid ? null : 'The MCP URL must use https.',
    local: raw.local,
    keepLocalPossible: raw.local !== null && block.inputsPath !== null,
    existingProfile: vault.profiles().find((p) => p.fingerprint === fingerprint)?.name ?? null,
    backupsHoldingKey: backups,
    suggestedProfile: baseProfileName(raw.entryName),
  };
}

/** Plaintext keys in every file and block of one client. A file or block that cannot be read
 * is a problem of its own; the rest is still scanned. */
export async function scanClient(target: ClientTarget, vault: HeldProfiles): Promise<ClientScan> {
  const findings: KeyFinding[] = [];
  const problems: FileProblem[] = [];
  for (const read of await readClientFiles(target)) {
    problems.push(...read.problems);
    for (const hit of located(read.blocks)) {
      const backups = (await backupsHolding(read.file.configPath, hit.raw.key, target.backupDir)).length;
      findings.push(describeFinding(target, hit, vault, backups));
    }
  }
  return { findings, problems };
}
