import { isCommitOutsidePrimaryComponent, isNodeNotPrepared } from './galera-dialect.ts';
import { isConnectionFailure } from './read-router.ts';

/**
 * No node of the cluster takes writes now (quorum lost, or every node unreachable): raised at once
 * when a connection is asked for, instead of waiting on a connect timeout. Callers answer 503.
 */
export class NoWritableNodeError extends Error {
  override readonly name = 'NoWritableNodeError';
  readonly code = 'ER_NO_WRITABLE_NODE';

  constructor() {
    super('no database cluster node takes writes now (no synced node in a primary component)');
  }
}

/**
 * Errors that say the cluster cannot serve this statement now, as opposed to a bad query: no
 * writable node, a node that went away, or a node outside the primary component (1047, which
 * refused the statement unrun, or 1180 for a commit under way when the node lost the others).
 * The caller answers 503; the cluster should be probed again.
 */
export function isClusterUnavailable(error: unknown): boolean {
  return error instanceof NoWritableNodeError || isConnectionFailure(error) || isNodeNotPrepared(error) || isCommitOutsidePrimaryComponent(error);
}
