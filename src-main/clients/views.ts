// What the window sees of the clients module: ClientStatus and the scan mapped field by field
// onto the IPC contract's views (masked keys, fingerprints compared here, never a raw key), and
// the vault as the place migrated keys go.
import type { ClientView, ScanReport as ScanReportView } from '../../src-shared/ipc-contract';
import type { AddProfileInput } from '../../src-shared/profile';
import type { ClientStatus } from './installer';
import type { MigrationTarget } from './migration';
import type { ScanReport } from './scan-report';

export function clientViewOf(status: ClientStatus): ClientView {
  return {
    id: status.id,
    projectDir: status.ref.projectDir ?? null,
    label: status.label,
    configPath: status.configPath,
    state: status.state,
    profiles: [...new Set([...status.connected, ...status.changed].map((e) => e.profile))],
    plaintextKeys: status.plaintextKeys,
    plaintextBackups: status.plaintextBackups,
    error: status.error ? status.error.message : null,
    problems: status.problems.map((p) => p.message),
  };
}

export function scanReportView(report: ScanReport): ScanReportView {
  return {
    findings: report.findings.map((f) => ({
      id: f.id,
      client: f.client,
      projectDir: f.ref.projectDir ?? null,
      configPath: f.configPath,
      scope: f.scope,
      entryName: f.entryName,
      where: f.where,
      maskedKey: f.maskedKey,
      vendor: f.vendor,
      endpoint: f.endpoint,
      endpointFromEntry: f.endpointFromEntry,
      problem: f.problem,
      local: f.local,
      keepLocalPossible: f.keepLocalPossible,
      existingProfile: f.existingProfile,
      backupsHoldingKey: f.backupsHoldingKey,
      suggestedProfile: f.suggestedProfile,
    })),
    errors: report.errors.map((e) => ({
      client: e.ref.id,
      projectDir: e.ref.projectDir ?? null,
      label: e.label,
      configPath: e.configPath,
      scope: e.scope,
      message: e.message,
    })),
  };
}

/** The part of the vault migration uses. */
export interface VaultForMigration {
  add(input: AddProfileInput): Promise<unknown>;
  remove(name: string): Promise<void>;
  list(): { name: string; key: { fingerprint: string } | null }[];
}

export function vaultMigrationTarget(vault: VaultForMigration): MigrationTarget {
  return {
    addProfile: (input) => vault.add(input),
    removeProfile: (name) => vault.remove(name),
    profiles: () => vault.list().map((p) => ({ name: p.name, fingerprint: p.key?.fingerprint ?? null })),
  };
}
