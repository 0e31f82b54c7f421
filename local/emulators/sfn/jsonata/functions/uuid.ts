/** $uuid(): a version 4 UUID (as States.UUID). */
import { randomUUID } from 'node:crypto';

export const uuid = (): string => randomUUID();

export const UUID_SIGNATURE = '<:s>';
