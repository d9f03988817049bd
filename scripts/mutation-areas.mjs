// The code `npm run mutate` scores (issue 15), one area at a time: each area has its own
// incremental file and report under reports/ (not in git), so a change re-tests only its area's
// mutants whose code or covering tests changed.
/** @type {Record<string, string[]>} */
export const MUTATION_AREAS = {
  // The bridge: a thin pipe. Its process tests run dist/bridge.js, which Stryker cannot see;
  // test/mutation-killers/bridge/ drives these modules in process.
  bridge: [
    'src-bridge/pipe.ts',
    'src-bridge/agent-link.ts',
    'src-bridge/assistant-input.ts',
    'src-bridge/assistant-output.ts',
    'src-bridge/cli.ts',
    'src-shared/session-setup.ts',
  ],
  // The upstream session: order, re-init on 404, the relay's outstanding ids, one auth header.
  upstream: ['src-main/upstream/session.ts', 'src-main/upstream/relay.ts', 'src-main/upstream/auth-fetch.ts'],
  // The agent: who is asking, may it, one session per bridge.
  agent: [
    'src-main/agent/bridge-connection.ts',
    'src-main/agent/bridge-session.ts',
    'src-main/agent/client-identity.ts',
    'src-main/agent/peer-identity.ts',
  ],
  // Approval, the IPC guard, redaction and key checks.
  guard: ['src-main/app/approval.ts', 'src-main/app/ipc-handlers.ts', 'src-shared/redact.ts', 'src-shared/key-format.ts'],
  // Assistants' config files and moving plaintext keys in.
  clients: ['src-main/clients/config-writer.ts', 'src-main/clients/migration.ts'],
  // The vault: the sealed store and the key's lifecycle.
  vault: [
    'src-main/vault/document-store.ts',
    'src-main/vault/credentials.ts',
    'src-main/vault/key-lifecycle.ts',
    'src-main/vault/key-opener.ts',
    'src-main/vault/sealed-key.ts',
  ],
};
