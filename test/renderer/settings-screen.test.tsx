// The Settings forms: main's storage explanation and the weak-storage opt-in, the network
// form's validation and save, remembered decisions. window.keybridge is the app's own preload
// API over an in-memory test double of main (fake-main.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../../src-renderer/components/App';
import type { Settings } from '../../src-shared/ipc-contract';
import { fail, installFakeMain, ok, polyfillDialog, type FakeMain } from './fake-main';

let main: FakeMain;
let settings: Settings;

beforeEach(() => {
  polyfillDialog();
  main = installFakeMain();
  settings = { launchAtLogin: false, approvalPrompts: true, allowWeakStorage: false, network: {}, logLevel: 'info' };
  main.answer('settings:get', () => ok(settings));
  main.answer('settings:update', ([patch]) => {
    settings = { ...settings, ...(patch as Partial<Settings>) };
    return ok(settings);
  });
});
afterEach(cleanup);

async function openSettings() {
  const user = userEvent.setup();
  render(<App />);
  await user.click(screen.getByRole('tab', { name: 'Settings' }));
  await screen.findByRole('heading', { name: 'General' });
  return user;
}

describe('Settings', () => {
  it("shows main's honest storage explanation and offers weaker storage only without a keyring", async () => {
    main.answer('settings:storage', () =>
      ok({ mode: 'unavailable', backend: 'basic_text', explanation: 'No keyring was found (basic_text): KeyBridge refuses to store keys unless you allow weaker storage.' }),
    );
    const user = await openSettings();
    expect(await screen.findByText('No keyring was found (basic_text): KeyBridge refuses to store keys unless you allow weaker storage.')).toBeTruthy();
    expect(screen.getByText('No encryption available')).toBeTruthy();
    await user.click(screen.getByRole('switch', { name: 'Allow weaker storage on this computer' }));
    await waitFor(() => expect(main.callsTo('settings:update')).toEqual([[{ allowWeakStorage: true }]]));
    await waitFor(() => expect(screen.getByRole<HTMLInputElement>('switch', { name: 'Allow weaker storage on this computer' }).checked).toBe(true));
  });

  it('says once how keys are stored, with no weaker-storage switch when the keychain works', async () => {
    main.answer('settings:storage', () => ok({ mode: 'keychain', backend: 'gnome_libsecret', explanation: 'Keys are encrypted by your system keychain.' }));
    await openSettings();
    await screen.findByText('Encrypted by the system keychain');
    expect(screen.getByText('GNOME Keyring')).toBeTruthy();
    expect(screen.queryByText('Keys are encrypted by your system keychain.')).toBeNull();
    expect(screen.queryByRole('switch', { name: /weaker storage/ })).toBeNull();
  });

  it('saves every setting as it is made: the log detail at once, a network field when it is left', async () => {
    let settings = { launchAtLogin: false, approvalPrompts: true, allowWeakStorage: false, network: {}, logLevel: 'info' as const };
    main.answer('settings:get', () => ok(settings));
    main.answer('settings:update', ([patch]) => {
      settings = { ...settings, ...(patch as object) };
      return ok(settings);
    });
    const user = await openSettings();
    await user.click(screen.getByRole('radio', { name: 'Everything (debug)' }));
    await waitFor(() => expect(main.callsTo('settings:update')).toEqual([[{ logLevel: 'debug' }]]));
    await user.type(screen.getByLabelText('Proxy'), 'proxy.corp:3128');
    expect(screen.getByText('Enter the proxy as http://host:port.')).toBeTruthy();
    await user.tab();
    expect(main.callsTo('settings:update')).toHaveLength(1);
    await user.clear(screen.getByLabelText('Proxy'));
    await user.type(screen.getByLabelText('Proxy'), 'http://proxy.corp:3128');
    await user.tab();
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(main.callsTo('settings:update')[1]).toEqual([{ network: { proxy: 'http://proxy.corp:3128' } }]);
    await user.type(screen.getByLabelText('No proxy for'), 'localhost,.corp{Enter}');
    await waitFor(() => expect(main.callsTo('settings:update')[2]).toEqual([{ network: { proxy: 'http://proxy.corp:3128', noProxy: 'localhost,.corp' } }]));
  });

  it("shows main's refusal instead of claiming it saved", async () => {
    main.answer('settings:update', () => fail('The settings could not be written.'));
    const user = await openSettings();
    await user.type(screen.getByLabelText('Proxy'), 'http://proxy.corp:3128');
    await user.tab();
    expect((await screen.findByRole('alert')).textContent).toBe('The settings could not be written.');
    expect(screen.queryByText('Saved.')).toBeNull();
  });

  it('"Open logs" asks main to show the log file, and shows its refusal', async () => {
    main.answer('app:open-logs', () => ok(undefined));
    const user = await openSettings();
    await user.click(screen.getByRole('button', { name: 'Open logs' }));
    await waitFor(() => expect(main.callsTo('app:open-logs')).toHaveLength(1));
    main.answer('app:open-logs', () => fail('This KeyBridge writes no log file.'));
    await user.click(screen.getByRole('button', { name: 'Open logs' }));
    expect((await screen.findByRole('alert')).textContent).toBe('This KeyBridge writes no log file.');
  });

  it('lists remembered decisions and forgets one', async () => {
    let decisions = [{ client: 'Claude', profile: 'mcp-claude', decision: 'allow' as const, at: '2026-11-23T10:00:00.000Z' }];
    main.answer('decisions:list', () => ok(decisions));
    main.answer('decisions:revoke', () => {
      decisions = [];
      return ok({});
    });
    const user = await openSettings();
    const list = await screen.findByRole('list');
    expect(within(list).getByText('Claude')).toBeTruthy();
    await user.click(within(list).getByRole('button', { name: 'Forget' }));
    expect(await screen.findByText('None yet.')).toBeTruthy();
    expect(main.callsTo('decisions:revoke')).toEqual([[{ client: 'Claude', profile: 'mcp-claude' }]]);
  });
});
