// The one place IPC enters main: each contract channel gets one handler that checks the
// sender (our window's main frame, on our origin) and hands the arguments to the invoker,
// which parses them with the contract. Events go out only to our window.
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { INVOKE_CHANNELS, type InvokeResult } from '../../src-shared/ipc-contract';
import type { Invoker } from '../app/ipc-handlers';

export const FOREIGN_SENDER_ERROR = 'Refused: the request did not come from the KeyBridge window.';

export function handle(ipcMain: Pick<IpcMain, 'handle'>, channel: string, isTrusted: (event: IpcMainInvokeEvent) => boolean, fn: (rawArgs: unknown) => Promise<InvokeResult<unknown>>): void {
  ipcMain.handle(channel, async (event, rawArgs: unknown) => {
    if (!isTrusted(event)) return { ok: false, error: FOREIGN_SENDER_ERROR } satisfies InvokeResult<unknown>;
    return fn(rawArgs);
  });
}

export function registerIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, invoker: Invoker, isTrusted: (event: IpcMainInvokeEvent) => boolean): () => void {
  for (const channel of INVOKE_CHANNELS) handle(ipcMain, channel, isTrusted, (rawArgs) => invoker(channel, rawArgs));
  return () => {
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel);
  };
}
