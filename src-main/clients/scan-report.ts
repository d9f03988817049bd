// The key scan over every client: findings from all files, a file that cannot be read as an
// error of its own, and one free profile name suggested per key.
import { freeName, scanClient, type HeldProfiles, type KeyFinding } from './key-findings';
import type { ClientRef, ClientTarget } from './registry';

export interface ScanReport {
  findings: KeyFinding[];
  /** Files (or blocks of them) that could not be read: left untouched, and named with the
   * reason. Every other file was still scanned. */
  errors: { ref: ClientRef; label: string; configPath: string; scope: string | null; message: string }[];
}

/** Plaintext keys in every client's files, masked. A file that cannot be read is an error
 * of its own (with its path and the reason); every other file is still scanned. */
export async function scanClients(clients: { ref: ClientRef; target: ClientTarget }[], vault: HeldProfiles): Promise<ScanReport> {
  const report: ScanReport = { findings: [], errors: [] };
  for (const { ref, target } of clients) {
    try {
      const { findings, problems } = await scanClient(target, vault);
      report.findings.push(...findings);
      for (const p of problems) report.errors.push({ ref, label: target.label, configPath: p.configPath, scope: p.scope, message: p.message });
    } catch (error) {
      report.errors.push({ ref, label: target.label, configPath: target.configPath, scope: null, message: error instanceof Error ? error.message : String(error) });
    }
  }
  suggestProfileNames(report.findings, vault);
  return report;
}

/** Suggested profile names are free: not held by the vault, and not suggested for another
 * key. A key the vault holds keeps its profile's name; the same key twice gets one name. */
function suggestProfileNames(findings: KeyFinding[], vault: HeldProfiles): void {
  const taken = new Set(vault.profiles().map((p) => p.name));
  const named = new Map<string, string>();
  for (const finding of findings) {
    if (finding.existingProfile) {
      finding.suggestedProfile = finding.existingProfile;
      continue;
    }
    const earlier = named.get(finding.fingerprint);
    if (earlier) {
      finding.suggestedProfile = earlier;
      continue;
    }
    const name = freeName(finding.suggestedProfile, taken);
    taken.add(name);
    named.set(finding.fingerprint, name);
    finding.suggestedProfile = name;
  }
}
