// What the IPC handlers, the tray and the renderer's test harness see of the app: one method
// per channel of src-shared/ipc-contract.ts, grouped like the preload API and derived from the
// contract ('profiles:verify-all' is core.profiles.verifyAll), plus its events. createAppCore
// (src-main/app-core.ts) implements it.
import type { z } from 'zod';
import type { ActionOf, DomainOf, EventChannel, EventPayload, InvokeChannel, invokeContract } from '../../src-shared/ipc-contract';

/** An invoke channel's arguments after the contract parsed them. */
export type ParsedArgs<C extends InvokeChannel> = z.output<(typeof invokeContract)[C]['args']>;
/** What a handler returns for a channel (parsed again by the invoker before it leaves main). */
export type ChannelValue<C extends InvokeChannel> = z.output<(typeof invokeContract)[C]['result']>;

type CallDomain = DomainOf<InvokeChannel>;
export type CoreCalls = {
  [D in CallDomain]: {
    [C in InvokeChannel as DomainOf<C> extends D ? ActionOf<C> : never]: (...args: ParsedArgs<C>) => Promise<ChannelValue<C>>;
  };
};

export type AppCore = Omit<CoreCalls, 'app'> & {
  app: CoreCalls['app'] & {
    /** Asks the window to show a screen (the tray's "Add key…", "Rotate <profile>…"). */
    navigate(target: EventPayload<'app:navigate'>): void;
  };
  /** Subscribes to one event channel; returns the unsubscribe function. */
  on<C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void): () => void;
  /** Writes the bridge launcher and starts the agent. */
  start(): Promise<void>;
  /** Stops the agent, timers and watchers. Idempotent. */
  stop(): Promise<void>;
};
