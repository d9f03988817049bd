// The Add key form: vendor detection, the shared validation messages, endpoint prefill, the
// submit gate, main's errors, and that the key leaves the page once saved. window.keybridge is
// the app's own preload API over an in-memory test double of main (fake-main.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../../src-renderer/components/App';
import { fail, installFakeMain, ok, polyfillDialog, profileView, type FakeMain } from './fake-main';

const UO_KEY = 'uo_test_4f9c2a7b1e3d5f6a1a2b';
const UM_KEY = 'umk_live_test_9a8b7c6d5e4f3a2b';

let main: FakeMain;

beforeEach(() => {
  polyfillDialog();
  main = installFakeMain();
});
afterEach(cleanup);

async function openAddKey() {
  const user = userEvent.setup();
  render(<App />);
  await user.click(await screen.findByRole('button', { name: 'Add key…' }));
  const dialog = await screen.findByRole('dialog', { name: 'Add key' });
  return { user, dialog: within(dialog) };
}

describe('Add key', () => {
  it('detects the vendor from the prefix and prefills the UptimeObserver endpoint', async () => {
    const { user, dialog } = await openAddKey();
    await user.type(dialog.getByLabelText('API key'), UM_KEY);
    expect(dialog.getByLabelText<HTMLSelectElement>('Vendor').value).toBe('uptimemonitoring');
    expect(dialog.getByText("Detected from the key's prefix.")).toBeTruthy();
    expect(dialog.getByLabelText<HTMLInputElement>('MCP endpoint').value).toBe('');

    await user.clear(dialog.getByLabelText('API key'));
    await user.type(dialog.getByLabelText('API key'), UO_KEY);
    expect(dialog.getByLabelText<HTMLSelectElement>('Vendor').value).toBe('uptimeobserver');
    expect(dialog.getByLabelText<HTMLInputElement>('MCP endpoint').value).toBe('https://mcp.uptimeobserver.com/mcp');
  });

  it('refuses a JWT for UptimeObserver with the shared message', async () => {
    const { user, dialog } = await openAddKey();
    await user.type(dialog.getByLabelText('API key'), 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl');
    expect(dialog.getByRole('alert').textContent).toBe('JWT tokens are not accepted on the MCP endpoint; create an MCP API key (uo_…).');
    expect(dialog.getByRole<HTMLButtonElement>('button', { name: 'Verify & save' }).disabled).toBe(true);
  });

  it('explains a prefix that does not match the chosen vendor', async () => {
    const { user, dialog } = await openAddKey();
    await user.selectOptions(dialog.getByLabelText('Vendor'), 'uptimemonitoring');
    await user.type(dialog.getByLabelText('API key'), UO_KEY);
    expect(dialog.getByText('UptimeMonitoring keys start with umk_live_. It looks like a UptimeObserver key.')).toBeTruthy();
    expect(dialog.getByLabelText<HTMLSelectElement>('Vendor').value).toBe('uptimemonitoring');
  });

  it('keeps "Verify & save" disabled until key, endpoint and name are valid', async () => {
    const { user, dialog } = await openAddKey();
    const submit = dialog.getByRole<HTMLButtonElement>('button', { name: 'Verify & save' });
    expect(submit.disabled).toBe(true);
    await user.type(dialog.getByLabelText('API key'), UM_KEY);
    expect(submit.disabled).toBe(true); // UptimeMonitoring needs the MCP URL
    await user.type(dialog.getByLabelText('MCP endpoint'), 'http://example.com/mcp');
    expect(dialog.getByText('The MCP URL must use https (http only for localhost).')).toBeTruthy();
    expect(submit.disabled).toBe(true);
    await user.clear(dialog.getByLabelText('MCP endpoint'));
    await user.type(dialog.getByLabelText('MCP endpoint'), 'https://mcp.example.com/mcp');
    expect(submit.disabled).toBe(false);
    await user.clear(dialog.getByLabelText('Name'));
    await user.type(dialog.getByLabelText('Name'), 'has space');
    expect(dialog.getByText('A profile name uses only letters, digits, - and _.')).toBeTruthy();
    expect(submit.disabled).toBe(true);
    await user.click(dialog.getByRole('button', { name: 'ci-prod' }));
    expect(submit.disabled).toBe(false);
  });

  it("shows main's error and keeps the form", async () => {
    main.answer('profiles:add', () => fail("The vendor refused the key (401 invalid credentials). Check it's the MCP key."));
    const { user, dialog } = await openAddKey();
    await user.type(dialog.getByLabelText('API key'), UO_KEY);
    await user.click(dialog.getByRole('button', { name: 'Verify & save' }));
    expect((await dialog.findByRole('alert')).textContent).toContain('401 invalid credentials');
    expect(dialog.getByLabelText<HTMLInputElement>('API key').value).toBe(UO_KEY);
  });

  it('sends the typed key once, then keeps no copy of it in the page', async () => {
    main.answer('profiles:add', () =>
      ok(profileView({ name: 'mcp-claude', lastCheck: { ok: true, serverName: 'uptimeobserver', serverVersion: '1.4.0', toolCount: 7, latencyMs: 42, at: '2026-11-23T10:00:00.000Z' } })),
    );
    const { user, dialog } = await openAddKey();
    const field = dialog.getByLabelText<HTMLInputElement>('API key');
    expect(field.type).toBe('password');
    expect(field.autocomplete).toBe('off');
    expect(field.getAttribute('spellcheck')).toBe('false');
    await user.type(field, `  Bearer ${UO_KEY} `);
    await user.click(dialog.getByRole('button', { name: 'Verify & save' }));

    expect(await screen.findByRole('dialog', { name: 'Key saved' })).toBeTruthy();
    expect(main.callsTo('profiles:add')).toEqual([
      [{ name: 'mcp-claude', vendor: 'uptimeobserver', endpoint: 'https://mcp.uptimeobserver.com/mcp', auth: 'x-api-key', keyPrefix: null, note: '', key: { source: 'typed', key: `  Bearer ${UO_KEY} ` } }],
    ]);
    expect(screen.getByRole('status').textContent).toBe('Connected to uptimeobserver 1.4.0 · 7 tools · 42 ms round trip');
    expect(document.body.innerHTML).not.toContain(UO_KEY);
    for (const input of Array.from(document.querySelectorAll('input'))) expect(input.value).not.toContain(UO_KEY);
  });

  it('pastes through main: the page sees the masked key and sends only its fingerprint', async () => {
    main.answer('clipboard:paste-key', () => ok({ masked: 'umk_live_…3a2b', fingerprint: 'sha256:1a2b3c4d', detectedVendor: 'uptimemonitoring', problem: null }));
    main.answer('profiles:add', () => ok(profileView({ name: 'mcp-claude', vendor: 'uptimemonitoring', auth: 'bearer', key: { masked: 'umk_live_…3a2b', fingerprint: 'sha256:1a2b3c4d' } })));
    const { user, dialog } = await openAddKey();
    await user.click(dialog.getByRole('button', { name: 'Paste' }));
    expect(await dialog.findByText('umk_live_…3a2b')).toBeTruthy();
    expect(dialog.getByLabelText<HTMLSelectElement>('Vendor').value).toBe('uptimemonitoring');
    await user.type(dialog.getByLabelText('MCP endpoint'), 'https://mcp.uptimemonitoring.com/mcp');
    await user.click(dialog.getByRole('button', { name: 'Verify & save' }));
    await screen.findByRole('dialog', { name: 'Key saved' });
    const [[sent]] = main.callsTo('profiles:add') as [[{ key: unknown; auth: string }]];
    expect(sent.key).toEqual({ source: 'clipboard', fingerprint: 'sha256:1a2b3c4d' });
    expect(sent.auth).toBe('bearer');
  });

  it("shows main's problem with a pasted key and blocks saving", async () => {
    main.answer('clipboard:paste-key', () => ok({ masked: 'eyJ…', fingerprint: 'sha256:deadbeef', detectedVendor: null, problem: 'JWT tokens are not accepted on the MCP endpoint; create an MCP API key (uo_…).' }));
    const { user, dialog } = await openAddKey();
    await user.click(dialog.getByRole('button', { name: 'Paste' }));
    expect((await dialog.findByRole('alert')).textContent).toContain('JWT tokens are not accepted');
    expect(dialog.getByRole<HTMLButtonElement>('button', { name: 'Verify & save' }).disabled).toBe(true);
  });

  it('opens from the tray through app:navigate', async () => {
    render(<App />);
    await screen.findByRole('heading', { level: 2, name: 'Welcome to KeyBridge' });
    main.emit('app:navigate', { screen: 'keys', action: 'add-key', profile: null });
    expect(await screen.findByRole('dialog', { name: 'Add key' })).toBeTruthy();
  });
});
