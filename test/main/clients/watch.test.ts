import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientStatus } from '../../../src-main/clients/installer';
import type { EntryRemovedEvent } from '../../../src-main/clients/client-watch';
import { ClientsService } from '../../../src-main/clients/service';
import { LAUNCHER, NO_VAULT, tempHome, type TempHome } from './temp-home';

let home: TempHome | null = null;
let service: ClientsService | null = null;
afterEach(async () => {
  service?.close();
  await home?.remove();
  home = service = null;
});

function next<T>(wait: () => T | undefined, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const value = wait();
      if (value !== undefined) return resolve(value);
      if (Date.now() - started > timeoutMs) return reject(new Error('timed out waiting for the watcher'));
      setTimeout(tick, 20);
    };
    tick();
  });
}

async function setup() {
  home = await tempHome('linux');
  service = new ClientsService({ host: home.host, entry: { launcherPath: LAUNCHER }, vault: NO_VAULT, debounceMs: 50 });
  const statuses: ClientStatus[] = [];
  const removed: EntryRemovedEvent[] = [];
  service.onStatus((s) => void statuses.push(s));
  service.onEntryRemoved((e) => void removed.push(e));
  return { home, service, statuses, removed };
}

describe('watching config files', () => {
  it('reports entry-removed when the app rewrites its file without our entry (atomic replace)', async () => {
    const { home, service, statuses, removed } = await setup();
    const target = await home.writeConfig({ id: 'claude-desktop' }, '{\n  "mcpServers": {}\n}\n');
    await service.install({ id: 'claude-desktop' }, 'mcp-claude');
    await service.watch();
    statuses.length = 0;

    // What Claude Desktop does when it saves its settings from memory: a new file, renamed over.
    const rewritten = JSON.stringify({ mcpServers: {}, globalShortcut: 'Alt+Space' }, null, 2);
    await writeFile(`${target.configPath}.tmp`, rewritten);
    await rename(`${target.configPath}.tmp`, target.configPath);

    const event = await next(() => removed[0]);
    expect(event).toMatchObject({ client: 'claude-desktop', entryName: 'keybridge-mcp-claude', profile: 'mcp-claude', configPath: target.configPath });
    expect(statuses.at(-1)).toMatchObject({ id: 'claude-desktop', state: 'not-connected', connected: [] });
    // Reported, not fought: the file is as the app left it.
    expect(await readFile(target.configPath, 'utf8')).toBe(rewritten);
  });

  it('reports an entry edited in place as changed, and does not call it removed', async () => {
    const { home, service, statuses, removed } = await setup();
    const target = await home.installApp({ id: 'cursor' });
    await service.install({ id: 'cursor' }, 'p1');
    await service.watch();
    const text = await readFile(target.configPath, 'utf8');
    await writeFile(target.configPath, text.replace(LAUNCHER, '/somewhere/else'));
    const changed = await next(() => statuses.find((s) => s.state === 'changed'));
    expect(changed.changed).toEqual([{ entryName: 'keybridge-p1', profile: 'p1' }]);
    expect(removed).toEqual([]);
  });

  it("KeyBridge's own uninstall is not reported as a removal", async () => {
    const { home, service, statuses, removed } = await setup();
    const target = await home.installApp({ id: 'windsurf' });
    await service.install({ id: 'windsurf' }, 'p1');
    await service.install({ id: 'windsurf' }, 'p2');
    await service.watch();
    await service.uninstall({ id: 'windsurf' }, 'p1');
    expect(statuses.at(-1)).toMatchObject({ state: 'connected', connected: [{ profile: 'p2' }] });
    // Then the app drops p2 itself. The watcher handles the file's changes in order, so once
    // that removal is reported, our own uninstall has been seen too: p2 is the only removal.
    const config = JSON.parse(await readFile(target.configPath, 'utf8')) as { mcpServers: Record<string, unknown> };
    delete config.mcpServers['keybridge-p2'];
    await writeFile(target.configPath, JSON.stringify(config, null, 2));
    await next(() => removed[0]);
    expect(removed).toEqual([expect.objectContaining({ client: 'windsurf', profile: 'p2' })]);
  });

  it('notices a client whose folder appears later', async () => {
    const { home, service, statuses } = await setup();
    await service.watch();
    expect((await service.status({ id: 'cursor' })).state).toBe('not-present');
    const file = home.target({ id: 'cursor' }).configPath;
    await mkdir(path.dirname(file), { recursive: true });
    // The folder is Cursor's: present now. Once that is reported, the watcher is on the new folder.
    await next(() => statuses.find((s) => s.id === 'cursor' && s.state === 'not-connected'));
    await writeFile(file, JSON.stringify({ mcpServers: { 'keybridge-p9': { command: LAUNCHER, args: ['--profile', 'p9'] } } }));
    const status = await next(() => statuses.find((s) => s.id === 'cursor' && s.state === 'connected'));
    expect(status.connected).toEqual([{ entryName: 'keybridge-p9', profile: 'p9' }]);
  });
});
