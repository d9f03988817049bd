// Settings (the login item is the OS's truth, mirrored), how keys are stored, and the
// remembered approval decisions.
import { UserError } from '../../../src-shared/user-error';
import type { AppContext } from '../context';
import type { AppCore } from '../types';

export function settingsService(ctx: AppContext): Pick<AppCore, 'settings' | 'decisions'> {
  const { vault, activity, options } = ctx;
  const { decisions } = vault.settings;
  return {
    settings: {
      get: async () => vault.settings.get(),
      update: async (patch) => {
        if (patch.launchAtLogin !== undefined) await options.loginItem.setEnabled(patch.launchAtLogin);
        return vault.settings.update(patch);
      },
      storage: () => vault.storageStatus(),
    },
    decisions: {
      list: async () => decisions.list(),
      revoke: async ({ client, profile }) => {
        if (!decisions.find(client, profile)) throw new UserError(`There is no remembered decision for ${client} and '${profile}'.`);
        decisions.forget(client, profile);
        activity.record('info', profile, `Forgot the decision for ${client} and '${profile}': it will be asked again.`);
      },
    },
  };
}
