// Changes to a profile that keep its key: endpoint, auth style and note; pausing; removal.
// Sessions in progress learn of each through a key event.
import type { z } from 'zod';
import { authStyleSchema } from '../../src-shared/endpoint';
import { profileNameSchema } from '../../src-shared/agent-protocol';
import { endpointSchema, type ProfileView } from '../../src-shared/profile';
import { pausedMessage } from './key-events';
import type { VaultParts } from './parts';
import { VaultError } from './vault-error';

export interface ProfileUpdate {
  name: string;
  endpoint?: string;
  auth?: 'x-api-key' | 'bearer';
  note?: string;
}

export interface ProfileEdits {
  /** Endpoint, auth style, note. Bridges get the new endpoint/auth at once. */
  update(patch: ProfileUpdate): Promise<ProfileView>;
  /** Paused: bridges are told the key is revoked and new ones are refused ('denied') until resumed. */
  setPaused(name: string, paused: boolean): Promise<ProfileView>;
  /** Wipes the profile and its ciphertext; connected bridges get `revoked`. */
  remove(name: string): Promise<void>;
  /** A new name for the profile (its key, history and remembered decisions stay); sessions
   * under the old name end with a message that says so. */
  rename(name: string, newName: string): Promise<ProfileView>;
}

export type ProfileEditsParts = Pick<VaultParts, 'records' | 'views' | 'grace' | 'events'>;

export function createProfileEdits({ records, views, grace, events }: ProfileEditsParts): ProfileEdits {
  return {
    async update({ name, endpoint, auth, note }) {
      const before = records.find(name);
      const next = {
        endpoint: endpoint === undefined ? before.endpoint : parseOr(endpointSchema, endpoint),
        auth: auth === undefined ? before.auth : parseOr(authStyleSchema, auth),
        note: note === undefined ? before.note : note.slice(0, 500),
      };
      const reachChanged = next.endpoint !== before.endpoint || next.auth !== before.auth;
      records.change(name, (p) => ({ ...p, ...next, ...(reachChanged ? { lastCheck: null } : {}) }));
      views.changed();
      if (reachChanged) await events.credentialsChanged(records.find(name));
      return views.get(name);
    },

    async setPaused(name, paused) {
      if (records.find(name).paused === paused) return views.get(name);
      records.change(name, (p) => ({ ...p, paused }));
      views.changed();
      await events.emit(paused ? { type: 'revoked', profile: name, message: pausedMessage(name) } : { type: 'credentials', profile: name });
      return views.get(name);
    },

    async rename(name, newName) {
      const next = parseOr(profileNameSchema, newName);
      if (next === name) return views.get(name);
      records.rename(name, next);
      grace.cancel(name);
      grace.schedule(records.find(next));
      views.clearUnreadable(name);
      views.changed();
      await events.emit({ type: 'revoked', profile: name, message: `The key '${name}' is now called '${next}' in KeyBridge. Restart the assistant to use it under its new name.` });
      return views.get(next);
    },

    async remove(name) {
      records.find(name);
      records.delete(name);
      grace.cancel(name);
      views.clearUnreadable(name);
      views.changed();
      await events.emit({ type: 'revoked', profile: name, message: `The key for '${name}' was removed in KeyBridge.` });
    },
  };
}

function parseOr<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: z.core.$ZodError } }, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new VaultError(parsed.error.issues[0]?.message ?? 'Invalid value.');
  return parsed.data;
}
