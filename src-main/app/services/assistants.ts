// The assistants domain: which assistants are on this computer and their state, connecting a
// key to one (its config file gets one entry that starts the bridge), the snippet and the
// assistant's own install link (built here, never taken from the window), project folders.
import { assistantFamily } from '../../../src-shared/assistants';
import { UserError } from '../../../src-shared/user-error';
import { friendlyAppName } from '../../agent/app-names';
import { clientViewOf } from '../../clients';
import { preApprovalKey } from '../approval';
import type { AppContext } from '../context';
import { isAssistantInstallLink } from '../external-links';
import type { AppCore } from '../types';

export function assistantsService(ctx: AppContext): Pick<AppCore, 'clients'> {
  const { vault, clients, activity, options } = ctx;
  const list = async () => (await clients.list()).map(clientViewOf);
  const { decisions } = vault.settings;
  /** Connecting is the user's yes for that assistant and key (see approval.ts): noted as a
   * pre-approval unless one of its executables is already allowed; disconnecting takes it back. */
  const notePreApproval = (how: 'install' | 'uninstall', client: Parameters<typeof assistantFamily>[0], profile: string) => {
    const assistant = assistantFamily(client);
    if (how === 'uninstall') {
      if (decisions.find(preApprovalKey(assistant), profile)) decisions.forget(preApprovalKey(assistant), profile);
      return;
    }
    if (!vault.settings.get().approvalPrompts) return;
    const allowed = decisions.list().some((d) => d.profile === profile && d.decision === 'allow' && !d.client.startsWith('assistant:') && friendlyAppName(d.client) === assistant);
    if (!allowed) decisions.remember(preApprovalKey(assistant), profile, 'allow');
  };
  /** Connect and disconnect: the same steps, the other way. */
  const change = (how: 'install' | 'uninstall', done: 'Connected' | 'Disconnected', word: 'to' | 'from') =>
    async ({ client, projectDir, profile }: { client: Parameters<typeof clients.status>[0]['id']; projectDir?: string | undefined; profile: string }) => {
      if (how === 'install') vault.get(profile);
      await clients[how]({ id: client, projectDir }, profile);
      notePreApproval(how, client, profile);
      const view = clientViewOf(await clients.status({ id: client, projectDir }));
      activity.record('info', profile, `${done} ${view.label} ${word} '${profile}'.`);
      return view;
    };
  return {
    clients: {
      list,
      connect: change('install', 'Connected', 'to'),
      disconnect: change('uninstall', 'Disconnected', 'from'),
      snippet: async ({ client, projectDir, profile }) => {
        const { json, installLink } = clients.snippet({ id: client, projectDir }, profile);
        return { json, deepLink: installLink };
      },
      copySnippet: async ({ client, projectDir, profile }) => {
        await options.clipboard.writeText(clients.snippet({ id: client, projectDir }, profile).json);
      },
      // Built here from (client, profile): the window never hands main a deep link to open.
      openInstallLink: async ({ client, projectDir, profile }) => {
        vault.get(profile);
        const { installLink } = clients.snippet({ id: client, projectDir }, profile);
        if (!installLink || !isAssistantInstallLink(installLink)) throw new UserError('This assistant has no install link; copy the snippet instead.');
        await options.openExternal(installLink);
        activity.record('info', profile, `Opened the ${client} install link for '${profile}'.`);
      },
      addProject: async ({ dir }) => {
        await clients.addProject(dir);
        activity.record('info', null, `Added the project folder ${dir}: its Cursor and VS Code configs are listed now.`);
        ctx.announceClients();
        return list();
      },
      removeProject: async ({ dir }) => {
        await clients.removeProject(dir);
        ctx.announceClients();
        return list();
      },
    },
  };
}
