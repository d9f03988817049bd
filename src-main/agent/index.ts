// The agent's public surface for the shell, the app core and the headless agent.
export { startAgent, DEFAULT_LIMITS, type Agent, type AgentOptions } from './agent';
export { AgentAlreadyRunningError, AgentSocketError, SOCKET_DIR_MODE, SOCKET_FILE_MODE } from './agent-socket';
export type { AgentActivity, ConnectionLimits } from './bridge-connection';
export { allowAll, type AccessPolicy, type AccessRequest, type BridgeClient } from './client-identity';
export { defaultAgentSocketPath, safeUsername } from './socket-path';
export type { CredentialSource, CredentialsLookup, KeyEvent, KeyEventListener } from './credential-source';
