// The vault offers the agent what its CredentialSource asks for without importing the agent:
// its own lookup and key-event types, which the agent's port takes as they are.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { CredentialSource, CredentialsLookup as AgentLookup, KeyEvent as AgentKeyEvent } from '../../../src-main/agent';
import type { CredentialsLookup, CredentialsRefusal, KeyEvent, Vault } from '../../../src-main/vault';
import { agentErrorCodeSchema } from '../../../src-shared/agent-protocol';

describe('the vault as the agent credential source', () => {
  it('satisfies CredentialSource structurally', () => {
    expectTypeOf<Vault>().toExtend<CredentialSource>();
    expectTypeOf<CredentialsLookup>().toExtend<AgentLookup>();
    expectTypeOf<KeyEvent>().toEqualTypeOf<AgentKeyEvent>();
  });

  it('refuses only with codes the agent protocol knows', () => {
    const refusals: CredentialsRefusal[] = ['unknown-profile', 'denied', 'locked'];
    for (const code of refusals) expect(agentErrorCodeSchema.safeParse(code).success).toBe(true);
  });
});
