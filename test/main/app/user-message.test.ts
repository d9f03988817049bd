// One error path: a UserError is shown in its own words; anything else is a bug, logged with
// its stack and shown as a plain sentence (through the invoker, as the window sees it).
import { describe, expect, it } from 'vitest';
import { INTERNAL_ERROR_MESSAGE, UserError } from '../../../src-shared/user-error';
import { createInvoker, type IpcHandlers } from '../../../src-main/app/ipc-handlers';
import { userMessage } from '../../../src-main/app/user-message';
import { VaultError } from '../../../src-main/vault';

describe('what the user is told when an action fails', () => {
  it('a UserError (and its family: VaultError, config errors…) in its own words, nothing logged', () => {
    const logged: string[] = [];
    expect(userMessage(new UserError('Name the profile the key goes to.'), (d) => logged.push(d))).toBe('Name the profile the key goes to.');
    expect(userMessage(new VaultError("There is no profile named 'x'."), (d) => logged.push(d))).toBe("There is no profile named 'x'.");
    expect(logged).toEqual([]);
  });

  it('anything else: "Something went wrong", and the stack goes to the log', () => {
    const logged: string[] = [];
    expect(userMessage(new TypeError("Cannot read properties of undefined (reading 'name')"), (d) => logged.push(d))).toBe(INTERNAL_ERROR_MESSAGE);
    expect(logged[0]).toMatch(/^TypeError: Cannot read properties of undefined[\s\S]*at /);
  });

  it('through the invoker: the window gets the sentence, the log gets the channel and the stack', async () => {
    const reports: string[] = [];
    const handlers = {
      'notices:dismiss': async () => {
        throw new RangeError('index 7 out of range');
      },
      'notices:list': async () => {
        throw new UserError('That notice is no longer shown.');
      },
    } as unknown as IpcHandlers;
    const invoke = createInvoker(handlers, { onInternalError: (channel, detail) => reports.push(`${channel}: ${detail}`) });
    expect(await invoke('notices:dismiss', ['n1'])).toEqual({ ok: false, error: INTERNAL_ERROR_MESSAGE });
    expect(reports[0]).toMatch(/^notices:dismiss: RangeError: index 7 out of range/);
    expect(await invoke('notices:list', [])).toEqual({ ok: false, error: 'That notice is no longer shown.' });
    expect(reports).toHaveLength(1);
  });
});
