// The agent's public surface for the shell and the app core.
export { startAgent, DEFAULT_LIMITS, type Agent, type AgentOptions } from './agent';
export { AgentAlreadyRunningError, AgentSocketError, SOCKET_DIR_MODE, SOCKET_FILE_MODE } from './agent-socket';
export { allowAll, type AccessPolicy, type AgentActivity, type BridgeClient, type ConnectionLimits } from './bridge-connection';
export { defaultAgentSocketPath } from './socket-path';
export type { CredentialSource, CredentialsLookup, KeyEvent, KeyEventListener } from './credential-source';
