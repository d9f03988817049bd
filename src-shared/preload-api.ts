// The named actions the preload exposes as `window.keybridge`. Built from two primitives the
// preload supplies (ipcRenderer.invoke / on); the renderer tests supply the same two, so the
// page sees exactly the app's API. Nothing generic reaches the page: one function per channel.
import type { EventChannel, EventPayload, InvokeArgs, InvokeChannel, InvokeResult, InvokeValue } from './ipc-contract';

export type Invoke = <C extends InvokeChannel>(channel: C, args: InvokeArgs<C>) => Promise<InvokeResult<InvokeValue<C>>>;
export type Subscribe = <C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void) => () => void;

export function buildKeyBridgeApi(invoke: Invoke, subscribe: Subscribe) {
  const on =
    <C extends EventChannel>(channel: C) =>
    (listener: (payload: EventPayload<C>) => void): (() => void) =>
      subscribe(channel, listener);
  return {
    profiles: {
      list: () => invoke('profiles:list', []),
      add: (input: InvokeArgs<'profiles:add'>[0]) => invoke('profiles:add', [input]),
      update: (input: InvokeArgs<'profiles:update'>[0]) => invoke('profiles:update', [input]),
      verify: (name: string) => invoke('profiles:verify', [name]),
      verifyAll: () => invoke('profiles:verify-all', []),
      rotate: (input: InvokeArgs<'profiles:rotate'>[0]) => invoke('profiles:rotate', [input]),
      rollback: (name: string) => invoke('profiles:rollback', [name]),
      confirmRevoked: (name: string) => invoke('profiles:confirm-revoked', [name]),
      setPaused: (input: InvokeArgs<'profiles:set-paused'>[0]) => invoke('profiles:set-paused', [input]),
      remove: (name: string) => invoke('profiles:remove', [name]),
      testConnection: (name: string) => invoke('profiles:test-connection', [name]),
      onChanged: on('profiles:changed'),
    },
    clipboard: {
      pasteKey: () => invoke('clipboard:paste-key', []),
    },
    clients: {
      list: () => invoke('clients:list', []),
      connect: (input: InvokeArgs<'clients:connect'>[0]) => invoke('clients:connect', [input]),
      disconnect: (input: InvokeArgs<'clients:disconnect'>[0]) => invoke('clients:disconnect', [input]),
      snippet: (input: InvokeArgs<'clients:snippet'>[0]) => invoke('clients:snippet', [input]),
      copySnippet: (input: InvokeArgs<'clients:copy-snippet'>[0]) => invoke('clients:copy-snippet', [input]),
      openInstallLink: (input: InvokeArgs<'clients:open-install-link'>[0]) => invoke('clients:open-install-link', [input]),
      addProject: (dir: string) => invoke('clients:add-project', [{ dir }]),
      removeProject: (dir: string) => invoke('clients:remove-project', [{ dir }]),
      onChanged: on('clients:changed'),
    },
    migration: {
      scan: () => invoke('migration:scan', []),
      migrate: (input: InvokeArgs<'migration:migrate'>[0]) => invoke('migration:migrate', [input]),
    },
    activity: {
      sessions: () => invoke('activity:sessions', []),
      events: () => invoke('activity:events', []),
      onSessionsChanged: on('activity:changed'),
      onEvent: on('activity:event'),
    },
    settings: {
      get: () => invoke('settings:get', []),
      update: (patch: InvokeArgs<'settings:update'>[0]) => invoke('settings:update', [patch]),
      storage: () => invoke('settings:storage', []),
      onChanged: on('settings:changed'),
    },
    decisions: {
      list: () => invoke('decisions:list', []),
      revoke: (input: InvokeArgs<'decisions:revoke'>[0]) => invoke('decisions:revoke', [input]),
    },
    notices: {
      list: () => invoke('notices:list', []),
      dismiss: (id: string) => invoke('notices:dismiss', [id]),
      onChanged: on('notices:changed'),
    },
    app: {
      openExternal: (url: string) => invoke('app:open-external', [url]),
      onNavigate: on('ui:navigate'),
    },
  };
}

export type KeyBridgeApi = ReturnType<typeof buildKeyBridgeApi>;
