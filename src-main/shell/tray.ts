// The tray icon and its menu: built from the tray model (src-main/app/tray-model.ts) and
// rebuilt from the core's change events — profiles, live sessions, clients, settings — never
// by polling.
import type { Menu as MenuType, MenuItemConstructorOptions, NativeImage, Tray as TrayType } from 'electron';
import type { ClientView, SessionView, Settings, StorageStatus } from '../../src-shared/ipc-contract';
import type { ProfileView } from '../../src-shared/profile';
import { trayModel, trayNeedsTicking, type TrayAction, type TrayHealth, type TrayItem, type TrayState } from '../app/tray-model';
import type { AppCore } from '../app/types';

export interface TrayDeps {
  core: AppCore;
  Tray: new (image: NativeImage) => TrayType;
  Menu: { buildFromTemplate(template: MenuItemConstructorOptions[]): MenuType };
  iconFor: (health: TrayHealth) => NativeImage;
  /** Runs a menu action (open the window, rotate, quit, …). */
  run: (action: TrayAction) => void;
  platform: NodeJS.Platform;
  onError: (error: unknown) => void;
}

export interface TrayController {
  readonly tray: TrayType;
  /** The model last shown (for the window title, tests). */
  model(): ReturnType<typeof trayModel> | null;
  /** Resolves once the current state is on screen. */
  settled(): Promise<void>;
  destroy(): void;
}

function template(items: TrayItem[], run: (action: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.type) {
      case 'separator':
        return { type: 'separator' };
      case 'label':
        return { label: item.label, enabled: false };
      case 'submenu':
        return { label: item.label, submenu: template(item.items, run) };
      case 'checkbox':
        return { type: 'checkbox', label: item.label, checked: item.checked, enabled: item.enabled ?? true, click: () => run(item.action) };
      case 'action':
        return { label: item.label, enabled: item.enabled ?? true, click: () => run(item.action) };
    }
  });
}

export async function createTray(deps: TrayDeps): Promise<TrayController> {
  const { core } = deps;
  let profiles: ProfileView[] = await core.profiles.list();
  let sessions: SessionView[] = await core.activity.sessions();
  let clients: ClientView[] = await core.clients.list();
  let settings: Settings = await core.settings.get();
  let storage: StorageStatus = await core.settings.storage();
  let shown: ReturnType<typeof trayModel> | null = null;

  const tray = new deps.Tray(deps.iconFor('ok'));
  let shownJson = '';
  // Rebuilt only when what it shows changed (a bridge's request counter ticking does not).
  const render = () => {
    const state: TrayState = { profiles, sessions, clients, storage, launchAtLogin: settings.launchAtLogin, now: Date.now() };
    const model = trayModel(state);
    const json = JSON.stringify(model);
    if (json === shownJson) return;
    if (shown?.health !== model.health) tray.setImage(deps.iconFor(model.health));
    tray.setToolTip(model.tooltip);
    tray.setContextMenu(deps.Menu.buildFromTemplate(template(model.items, deps.run)));
    shown = model;
    shownJson = json;
  };

  // Storage status can change with profiles (a key that no longer decrypts) and settings
  // (weaker storage allowed): re-read it then, one read at a time.
  let pending: Promise<void> = Promise.resolve();
  const refreshStorage = () => {
    pending = pending
      .then(async () => {
        storage = await core.settings.storage();
        render();
      })
      .catch(deps.onError);
  };

  const unsubscribes = [
    core.on('profiles:changed', (next) => {
      profiles = next;
      render();
      refreshStorage();
    }),
    core.on('activity:sessions-changed', (next) => {
      sessions = next;
      render();
    }),
    core.on('clients:changed', (next) => {
      clients = next;
      render();
    }),
    core.on('settings:changed', (next) => {
      settings = next;
      render();
      refreshStorage();
    }),
  ];
  if (deps.platform !== 'darwin') tray.on('click', () => deps.run({ kind: 'open' }));
  render();
  // A grace window's countdown ("4 min left") moves on while it runs; nothing ticks otherwise.
  const ticker = setInterval(() => {
    if (trayNeedsTicking({ profiles })) render();
  }, 30_000);
  ticker.unref();

  return {
    tray,
    model: () => shown,
    settled: () => pending,
    destroy() {
      for (const unsubscribe of unsubscribes) unsubscribe();
      clearInterval(ticker);
      tray.destroy();
    },
  };
}
