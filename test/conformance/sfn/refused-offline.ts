/**
 * Documented behaviour the offline platform does not run, by design, and refuses clearly
 * instead: CreateStateMachine answers ValidationException naming the state and the field. The
 * runner checks that refusal for these cases instead of AWS's result, and the support table
 * counts them as "refused offline". This list is permanent: each entry
 * is a decision, written in docs/.
 */
export interface OfflineRefusal {
  /** The state the refusal names. */
  state: string;
  /** The field the refusal names. */
  field: string;
}

export const REFUSED_OFFLINE: Record<string, OfflineRefusal> = {
  // Heartbeats: the platform has no callbacks or activities to send them.
  'A Task with HeartbeatSeconds below TimeoutSeconds runs its function': {
    state: 'TaskState',
    field: 'HeartbeatSeconds',
  },
  // Distributed Map: child executions, S3 readers and writers, Map Runs.
  'A Distributed Map state with a tolerated failure percentage is accepted': {
    state: 'Each',
    field: 'ToleratedFailurePercentage',
  },
  'A Distributed Map state fails with States.ExceedToleratedFailureThreshold past its tolerated failures':
    { state: 'Each', field: 'ToleratedFailureCount' },
  'A Distributed Map state reading its items with ItemReader is accepted': {
    state: 'Each',
    field: 'ItemReader',
  },
};
