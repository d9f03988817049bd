// Moving plaintext keys out of assistants' configs: the scan (masked findings, per-file
// problems) and the move itself (all or nothing, src-main/clients/migration.ts).
import { redact } from '../../../src-shared/redact';
import { scanReportView } from '../../clients';
import type { AppContext } from '../context';
import type { AppCore } from '../types';

export function migrationService(ctx: AppContext): Pick<AppCore, 'migration'> {
  const { vault, clients, activity } = ctx;
  return {
    migration: {
      scan: async () => scanReportView(await clients.scanKeys()),
      migrate: async ({ findingId, ...choice }) => {
        const result = await clients.migrate(findingId, choice);
        activity.record('info', result.profile, redact(result.message));
        ctx.announceClients();
        return { profile: result.profile ? vault.get(result.profile) : null, message: result.message };
      },
    },
  };
}
