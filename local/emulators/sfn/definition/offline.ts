/**
 * What AWS accepts but the offline platform does not run, refused at CreateStateMachine naming
 * the state and the field (ValidationException), never accepted and run without it: Distributed
 * Map and its fields, cross-account Credentials, heartbeats and activities (nothing here sends a
 * heartbeat or works an activity). docs/local-step-functions.md lists them.
 */
import { isObject, type StateDefinition } from '../engine/types.ts';
import { refuseOffline } from './diagnostics.ts';
import type { Visit } from './walk.ts';

/** The fields refused wherever they appear, with what they are. */
export const REFUSED_FIELDS: Record<string, string> = {
  ItemReader: 'Distributed Map ItemReader',
  ItemBatcher: 'Distributed Map ItemBatcher',
  ResultWriter: 'Distributed Map ResultWriter',
  ToleratedFailurePercentage: 'Distributed Map ToleratedFailurePercentage',
  ToleratedFailurePercentagePath: 'Distributed Map ToleratedFailurePercentagePath',
  ToleratedFailureCount: 'Distributed Map ToleratedFailureCount',
  ToleratedFailureCountPath: 'Distributed Map ToleratedFailureCountPath',
  Label: 'Distributed Map Label',
  Credentials: 'cross-account Credentials',
  HeartbeatSeconds: 'HeartbeatSeconds (no callbacks or activities here)',
  HeartbeatSecondsPath: 'HeartbeatSecondsPath (no callbacks or activities here)',
};

export const refuseUnsupported = ({ name, state }: Visit) => {
  for (const field of Object.keys(state)) {
    const what = REFUSED_FIELDS[field];
    if (what) refuseOffline(name, field, what);
  }
  const processor = (state as StateDefinition).ItemProcessor;
  if (isObject(processor as never) && processor?.ProcessorConfig?.Mode === 'DISTRIBUTED') {
    refuseOffline(name, 'ItemProcessor.ProcessorConfig.Mode', 'Distributed Map');
  }
  if (state.Type === 'Task' && /^arn:aws:states:[^:]*:\d*:activity:/.test(String(state.Resource))) {
    refuseOffline(name, 'Resource', 'an activity: the offline platform has no activity workers');
  }
};
