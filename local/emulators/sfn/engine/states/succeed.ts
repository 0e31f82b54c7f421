/** Succeed (state-succeed): ends the machine (or its branch or iteration) with its input. */
import type { StateAction } from '../action.ts';

export const succeedState: StateAction = async () => ({});
