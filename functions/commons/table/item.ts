/**
 * An item of the table as it is read: its key (any item), and an item parsed by the schema of
 * its kind, or a MalformedItem error naming it by its key, never a silent cast. Pure.
 */
import * as z from 'zod/mini';
import { MalformedItem } from '#errors';

/** Any item of the table: its key, and whatever else it holds. */
export const TableItemSchema = z.looseObject({ pk: z.string(), sk: z.string() });
export type TableItem = z.output<typeof TableItemSchema>;

const describeIssues = (error: z.core.$ZodError) =>
  error.issues
    .map((issue) => `${issue.path.map(String).join('.') || 'item'} ${issue.message}`)
    .join('; ');

/** The item parsed by `schema`, or a MalformedItem error naming it. */
export const parseItem = <S extends z.ZodMiniType>(schema: S, item: unknown): z.output<S> => {
  const parsed = schema.safeParse(item);
  if (parsed.success) return parsed.data;
  const key = TableItemSchema.safeParse(item);
  const name = key.success ? `Item ${key.data.sk} of trip ${key.data.pk}` : 'An item without a key';
  throw new MalformedItem(`${name} is malformed: ${describeIssues(parsed.error)}`);
};
