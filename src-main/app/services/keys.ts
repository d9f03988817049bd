// The Keys domain: add, verify, rotate, roll back, pause, remove (with the assistants' entries
// if asked), test a connection through a real bridge, and read a pasted key in main. The
// window and the tray both call these; the vault keeps the keys.
import { APPROVAL_TOKEN_ENV } from '../../../src-shared/agent-protocol';
import type { TestConnectionResult } from '../../../src-shared/ipc-contract';
import { UserError } from '../../../src-shared/user-error';
import { inspectPastedKey, resolveKeySource } from '../clipboard-keys';
import type { AppContext } from '../context';
import type { AppCore } from '../types';

export function keysService(ctx: AppContext): Pick<AppCore, 'profiles' | 'clipboard'> {
  const { vault, activity, options } = ctx;
  return {
    profiles: {
      list: async () => vault.list(),
      add: async ({ key, ...settings }) => {
        const raw = await resolveKeySource(key, options.clipboard);
        const view = await vault.add({ ...settings, key: raw }, { verify: true });
        activity.record('info', view.name, `Added '${view.name}' (${view.key?.masked ?? 'no key'}).`);
        return view;
      },
      update: (input) => vault.update(input),
      rename: async ({ name, newName }) => {
        const view = await vault.rename(name, newName);
        if (newName === name) return view;
        activity.record('info', newName, `Renamed '${name}' to '${newName}'.`);
        // The assistants' entries follow the name: the new one first, then the old one goes.
        const failed: string[] = [];
        for (const client of await ctx.clients.list()) {
          if (![...client.connected, ...client.changed].some((entry) => entry.profile === name)) continue;
          try {
            await ctx.clients.install(client.ref, newName);
            await ctx.clients.uninstall(client.ref, name);
          } catch (error) {
            failed.push(`${client.label} (${error instanceof Error ? error.message : String(error)})`);
          }
        }
        ctx.announceClients();
        if (failed.length > 0) {
          throw new UserError(`Renamed to '${newName}', but these assistants still name '${name}': ${failed.join('; ')}. Connect them to '${newName}' again.`);
        }
        return view;
      },
      verify: async (name) => {
        const result = await vault.verify(name);
        activity.record(result.ok ? 'info' : 'error', name, result.ok ? `'${name}' verified: ${result.serverName} ${result.serverVersion}.` : result.message);
        return result;
      },
      verifyAll: () => vault.verifyAll(),
      rotate: async ({ name, key }) => {
        const raw = await resolveKeySource(key, options.clipboard);
        // The vault checks the key for the profile's vendor (src-shared/key-format.ts).
        const view = await vault.rotate(name, raw);
        activity.record('info', name, `Rotated '${name}' to ${view.key?.masked ?? 'a new key'}.`);
        return view;
      },
      reenter: async ({ name, key }) => {
        const raw = await resolveKeySource(key, options.clipboard);
        const view = await vault.reenter(name, raw);
        activity.record('info', name, `Re-entered the key of '${name}' (${view.key?.masked ?? 'no key'}).`);
        return view;
      },
      rollback: async (name) => {
        const view = await vault.rollback(name);
        activity.record('warning', name, `Rolled '${name}' back to ${view.key?.masked ?? 'the previous key'}.`);
        return view;
      },
      confirmRevoked: (name) => vault.confirmRevoked(name),
      setPaused: async ({ name, paused }) => {
        const view = await vault.setPaused(name, paused);
        activity.record('info', name, `${paused ? 'Paused' : 'Resumed'} '${name}'.`);
        return view;
      },
      remove: async (name, choice) => {
        vault.get(name);
        // The assistants' entries first: if a config cannot be written, the key is still
        // there and nothing is lost.
        if (choice?.disconnectAssistants) {
          for (const client of await ctx.clients.list()) {
            if (![...client.connected, ...client.changed].some((entry) => entry.profile === name)) continue;
            await ctx.clients.uninstall(client.ref, name);
            activity.record('info', name, `Disconnected ${client.label} from '${name}'.`);
          }
          ctx.announceClients();
        }
        await vault.remove(name);
        activity.record('warning', name, `Removed '${name}'. Revoke the key in the vendor's dashboard too.`);
      },
      testConnection: async (name): Promise<TestConnectionResult> => {
        vault.get(name);
        const agent = ctx.agent();
        if (!agent) throw new UserError('KeyBridge is still starting; try again in a moment.');
        // The bridge we start gets a one-time token instead of a prompt.
        const result = await ctx.clients.testConnection(name, { env: { [APPROVAL_TOKEN_ENV]: agent.issueToken(name) } });
        return result.ok
          ? { ok: true, serverName: result.serverName, serverVersion: result.serverVersion, toolCount: result.toolCount, roundTripMs: result.latencyMs }
          : { ok: false, message: result.message };
      },
    },
    clipboard: {
      pasteKey: async () => inspectPastedKey(await options.clipboard.readText()),
    },
  };
}
