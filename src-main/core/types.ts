// What the IPC handlers, the tray and the renderer's test harness see of the app: one method
// per user action, grouped like the preload API, plus the events of src-shared/ipc-contract.
// createAppCore (src-main/app-core.ts) implements it over the vault, agent, clients and probe.
import type { z } from 'zod';
import type { EventChannel, EventPayload, InvokeChannel, invokeContract } from '../../src-shared/ipc-contract';

/** An invoke channel's arguments after the contract parsed them. */
export type ParsedArgs<C extends InvokeChannel> = z.output<(typeof invokeContract)[C]['args']>;
/** What a handler returns for a channel (parsed again by the invoker before it leaves main). */
export type ChannelValue<C extends InvokeChannel> = z.output<(typeof invokeContract)[C]['result']>;
type Arg<C extends InvokeChannel> = ParsedArgs<C>[0];
type Answer<C extends InvokeChannel> = Promise<ChannelValue<C>>;

export interface AppCore {
  profiles: {
    list(): Answer<'profiles:list'>;
    add(input: Arg<'profiles:add'>): Answer<'profiles:add'>;
    update(input: Arg<'profiles:update'>): Answer<'profiles:update'>;
    verify(name: string): Answer<'profiles:verify'>;
    verifyAll(): Answer<'profiles:verify-all'>;
    rotate(input: Arg<'profiles:rotate'>): Answer<'profiles:rotate'>;
    rollback(name: string): Answer<'profiles:rollback'>;
    confirmRevoked(name: string): Answer<'profiles:confirm-revoked'>;
    setPaused(input: Arg<'profiles:set-paused'>): Answer<'profiles:set-paused'>;
    remove(name: string): Promise<void>;
    testConnection(name: string): Answer<'profiles:test-connection'>;
  };
  clipboard: {
    /** Reads the clipboard in main; answers the masked key, never the key. */
    pasteKey(): Answer<'clipboard:paste-key'>;
  };
  clients: {
    list(): Answer<'clients:list'>;
    connect(input: Arg<'clients:connect'>): Answer<'clients:connect'>;
    disconnect(input: Arg<'clients:disconnect'>): Answer<'clients:disconnect'>;
    snippet(input: Arg<'clients:snippet'>): Answer<'clients:snippet'>;
    /** Writes the snippet to the clipboard in main. */
    copySnippet(input: Arg<'clients:copy-snippet'>): Promise<void>;
    /** Builds the client's install link for the profile in main and opens it. */
    openInstallLink(input: Arg<'clients:open-install-link'>): Promise<void>;
    /** Adds a project folder (its Cursor and VS Code workspace configs); answers the new list. */
    addProject(input: Arg<'clients:add-project'>): Answer<'clients:add-project'>;
    removeProject(input: Arg<'clients:remove-project'>): Answer<'clients:remove-project'>;
  };
  migration: {
    scan(): Answer<'migration:scan'>;
    migrate(input: Arg<'migration:migrate'>): Answer<'migration:migrate'>;
  };
  activity: {
    sessions(): Answer<'activity:sessions'>;
    events(): Answer<'activity:events'>;
  };
  settings: {
    get(): Answer<'settings:get'>;
    update(patch: Arg<'settings:update'>): Answer<'settings:update'>;
    storage(): Answer<'settings:storage'>;
  };
  decisions: {
    list(): Answer<'decisions:list'>;
    revoke(input: Arg<'decisions:revoke'>): Promise<void>;
  };
  notices: {
    list(): Answer<'notices:list'>;
    dismiss(id: string): Promise<void>;
  };
  app: {
    /** Opens an https URL on the allow-list in the user's browser; refuses anything else,
     * assistants' install links included (those only through clients.openInstallLink). */
    openExternal(url: string): Promise<void>;
    /** Asks the window to show a screen (the tray's "Add key…", "Rotate <profile>…"). */
    navigate(target: EventPayload<'ui:navigate'>): void;
  };
  /** Subscribes to one event channel; returns the unsubscribe function. */
  on<C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void): () => void;
  /** Writes the bridge launcher and starts the agent. */
  start(): Promise<void>;
  /** Stops the agent, timers and watchers. Idempotent. */
  stop(): Promise<void>;
}
