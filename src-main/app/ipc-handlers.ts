// The IPC handler table in plain Node: one function per invoke channel of the contract (derived
// from it, so a channel without an implementation fails at start and in the type check), and
// the invoker that every transport calls (Electron's ipcMain in src-main/shell, the renderer's
// test harness in Chromium). The invoker owns the boundary: it refuses unknown channels,
// parses arguments with the contract, parses the result again (zod strips any field the
// contract does not name, so nothing extra such as a key can leave main) and turns errors
// into a clear, redacted message.
import type { z } from 'zod';
import {
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  eventContract,
  invokeContract,
  splitChannel,
  type EventChannel,
  type EventPayload,
  type InvokeArgs,
  type InvokeChannel,
  type InvokeResult,
  type InvokeValue,
} from '../../src-shared/ipc-contract';
import type { Invoke } from '../../src-shared/preload-api';
import { redact } from '../../src-shared/redact';
import type { AppCore, ChannelValue, CoreCalls, ParsedArgs } from './types';
import { userMessage } from './user-message';

export type IpcHandler<C extends InvokeChannel> = (...args: ParsedArgs<C>) => Promise<ChannelValue<C>>;
export type IpcHandlers = { readonly [C in InvokeChannel]: IpcHandler<C> };
export type Invoker = (channel: string, rawArgs: unknown) => Promise<InvokeResult<unknown>>;

/** One handler per channel: 'profiles:verify-all' calls core.profiles.verifyAll. */
export function createIpcHandlers(core: CoreCalls): IpcHandlers {
  const table: Record<string, (...args: readonly unknown[]) => Promise<unknown>> = {};
  for (const channel of INVOKE_CHANNELS) {
    const { domain, action } = splitChannel(channel);
    const group = (core as unknown as Record<string, Record<string, (...args: readonly unknown[]) => Promise<unknown>>>)[domain];
    const method = group?.[action];
    // The core's type is derived from the same contract, so this holds unless a cast hid a gap.
    if (!method) throw new Error(`The app core has no ${domain}.${action} for ${channel}.`);
    table[channel] = (...args) => method.call(group, ...args);
  }
  return table as unknown as IpcHandlers;
}

export function isInvokeChannel(channel: unknown): channel is InvokeChannel {
  return typeof channel === 'string' && Object.hasOwn(invokeContract, channel);
}

export interface InvokerOptions {
  /** Told about failures that are main's fault (a bug thrown by an action, with its stack; a
   * result off the contract); the user sees a short message. */
  onInternalError?: (channel: InvokeChannel, detail: string) => void;
}

export function createInvoker(handlers: IpcHandlers, options: InvokerOptions = {}): Invoker {
  return async (channel, rawArgs) => {
    if (!isInvokeChannel(channel)) {
      return { ok: false, error: `Unknown request '${String(channel).slice(0, 80)}'.` };
    }
    const contract = invokeContract[channel];
    const args = contract.args.safeParse(rawArgs);
    if (!args.success) return { ok: false, error: redact(`Invalid request ${channel}: ${describeIssues(args.error)}`) };
    let value: unknown;
    try {
      value = await (handlers[channel] as (...a: readonly unknown[]) => Promise<unknown>)(...args.data);
    } catch (error) {
      return { ok: false, error: redact(userMessage(error, (detail) => options.onInternalError?.(channel, redact(detail)))) };
    }
    const result = contract.result.safeParse(value);
    if (!result.success) {
      options.onInternalError?.(channel, redact(describeIssues(result.error)));
      return { ok: false, error: `KeyBridge could not complete ${channel} (internal error).` };
    }
    return { ok: true, value: result.data };
  };
}

/** The invoker typed as the preload's `invoke` primitive (buildKeyBridgeApi's first argument).
 * Sound because the invoker parses every result with the same contract the types come from. */
export function typedInvoke(invoker: Invoker): Invoke {
  return <C extends InvokeChannel>(channel: C, args: InvokeArgs<C>) => invoker(channel, args) as Promise<InvokeResult<InvokeValue<C>>>;
}

/** Forwards every event channel of the core to `emit`, each payload parsed by the contract. */
export function subscribeCoreEvents(
  core: Pick<AppCore, 'on'>,
  emit: <C extends EventChannel>(channel: C, payload: EventPayload<C>) => void,
  onInvalid: (channel: EventChannel, detail: string) => void = () => {},
): () => void {
  const subscribe = <C extends EventChannel>(channel: C) =>
    core.on(channel, (payload) => {
      const parsed = eventContract[channel].safeParse(payload);
      if (parsed.success) emit(channel, parsed.data as EventPayload<C>);
      else onInvalid(channel, redact(describeIssues(parsed.error)));
    });
  const unsubscribes = EVENT_CHANNELS.map(subscribe);
  return () => {
    for (const unsubscribe of unsubscribes) unsubscribe();
  };
}

/** The first issue (where, what) and how many more: a ZodError from a failed parse has one at least. */
function describeIssues(error: z.ZodError): string {
  const [first, ...more] = error.issues.map((issue) => `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
  return more.length > 0 ? `${first} (and ${more.length} more)` : `${first}`;
}
