// What the window shows of what happens: live sessions (from the agent), the activity log and
// the notices; the app's links to the outside and the tray's requests to show a screen.
import { UserError } from '../../../src-shared/user-error';
import type { AppContext } from '../context';
import { isAllowedExternalUrl } from '../external-links';
import type { AppCore } from '../types';

export function activityService(ctx: AppContext): Pick<AppCore, 'activity' | 'notices' | 'app'> {
  const { activity, notices, options, hub } = ctx;
  return {
    activity: {
      sessions: async () => ctx.agent()?.sessions() ?? [],
      events: async () => activity.list(),
    },
    notices: {
      list: async () => notices.list(),
      dismiss: async (id) => notices.dismiss(id),
      act: async (id) => {
        const file = notices.fileOf(id);
        if (!options.showItemInFolder) throw new UserError('Files cannot be shown on this system.');
        options.showItemInFolder(file);
      },
    },
    app: {
      openExternal: async (url) => {
        if (!isAllowedExternalUrl(url)) throw new UserError('KeyBridge opens only https links to the vendors’ sites and the MCP docs.');
        await options.openExternal(url);
      },
      navigate: (target) => hub.emit('app:navigate', target),
      openLogs: async () => {
        if (!options.logFile || !options.showItemInFolder) throw new UserError('This KeyBridge writes no log file.');
        options.showItemInFolder(options.logFile);
      },
    },
  };
}
