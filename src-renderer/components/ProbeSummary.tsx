// One line for the outcome of a verify or a connection test.
import type { ProbeResult } from '../../src-shared/profile';
import type { TestConnectionResult } from '../../src-shared/ipc-contract';

type Outcome = ProbeResult | TestConnectionResult;

export function ProbeSummary({ result }: { result: Outcome }) {
  if (!result.ok) {
    return (
      <p className="probe probe-failing" role="alert">
        <strong>Failed:</strong> {result.message}
      </p>
    );
  }
  const ms = 'latencyMs' in result ? result.latencyMs : result.roundTripMs;
  return (
    <p className="probe probe-ok" role="status">
      <strong>Connected</strong> to {result.serverName} {result.serverVersion} · {result.toolCount} {result.toolCount === 1 ? 'tool' : 'tools'} ·{' '}
      {Math.round(ms)} ms round trip
    </p>
  );
}
