// The vault's parts as its modules receive them: vault.ts makes each once, and a module takes
// the Pick of them it uses.
import type { GraceTimers } from './grace-timers';
import type { KeyEvents } from './key-events';
import type { KeyMemory } from './key-memory';
import type { KeyOpener } from './key-opener';
import type { KeyVerifier } from './key-verify';
import type { Cipher, Clock } from './ports';
import type { Problems } from './problems';
import type { ProfileRecords } from './profile-records';
import type { ProfileViews } from './profile-view';
import type { SettingsService } from './settings';

export interface VaultParts {
  cipher: Cipher;
  clock: Clock;
  settings: SettingsService;
  records: ProfileRecords;
  views: ProfileViews;
  problems: Problems;
  memory: KeyMemory;
  keys: KeyOpener;
  events: KeyEvents;
  grace: GraceTimers;
  verifier: KeyVerifier;
}
