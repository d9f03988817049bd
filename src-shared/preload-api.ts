// The named actions the preload exposes as `window.keybridge`, derived from the IPC contract:
// channel 'profiles:verify-all' is `profiles.verifyAll(...args)`, event 'profiles:changed' is
// `profiles.onChanged(listener)`. Built from two primitives the preload supplies
// (ipcRenderer.invoke / on); the renderer tests supply the same two, so the page sees exactly
// the app's API. Nothing generic reaches the page: one function per channel.
import {
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  splitChannel,
  type ActionOf,
  type Domain,
  type DomainOf,
  type EventChannel,
  type EventPayload,
  type InvokeArgs,
  type InvokeChannel,
  type InvokeResult,
  type InvokeValue,
} from './ipc-contract';

export type Invoke = <C extends InvokeChannel>(channel: C, args: InvokeArgs<C>) => Promise<InvokeResult<InvokeValue<C>>>;
export type Subscribe = <C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void) => () => void;

type Calls<D extends Domain> = {
  [C in InvokeChannel as DomainOf<C> extends D ? ActionOf<C> : never]: (...args: InvokeArgs<C>) => Promise<InvokeResult<InvokeValue<C>>>;
};
type Events<D extends Domain> = {
  [C in EventChannel as DomainOf<C> extends D ? `on${Capitalize<ActionOf<C>>}` : never]: (listener: (payload: EventPayload<C>) => void) => () => void;
};

export type KeyBridgeApi = { readonly [D in Domain]: Calls<D> & Events<D> };

export function buildKeyBridgeApi(invoke: Invoke, subscribe: Subscribe): KeyBridgeApi {
  const api: Record<string, Record<string, unknown>> = {};
  const domain = (name: string) => (api[name] ??= {});
  for (const channel of INVOKE_CHANNELS) {
    const { domain: d, action } = splitChannel(channel);
    domain(d)[action] = (...args: unknown[]) => invoke(channel, args as InvokeArgs<typeof channel>);
  }
  for (const channel of EVENT_CHANNELS) {
    const { domain: d, action } = splitChannel(channel);
    domain(d)[`on${action[0]!.toUpperCase()}${action.slice(1)}`] = (listener: (payload: EventPayload<typeof channel>) => void) => subscribe(channel, listener);
  }
  // Built from the contract's own channel list, so the mapped type above describes it exactly.
  return api as KeyBridgeApi;
}
