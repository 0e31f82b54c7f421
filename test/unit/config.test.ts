/**
 * Each function's configuration against template.yaml (functions/commons/config.ts reads every
 * variable, each one when the module that needs it loads): with only the environment the
 * template gives it, every function starts; without a variable the template gives it alone, it
 * stops at start-up naming that variable. So a function never needs what only another one reads,
 * and never lacks what it reads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { functionsOf, PROJECT_ROOT, readTemplate } from '../../local/template/template.ts';

const template = readTemplate();

/** The variables the template gives a function (its own and the Globals'). */
const environmentOf = (properties: Record<string, unknown>): string[] =>
  Object.keys(
    (properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
      {},
  );

/** The application's own settings: not the runtime's, Powertools' or the SDK's. */
const isSetting = (name: string) => !/^(AWS_|POWERTOOLS_|NODE_OPTIONS$)/.test(name);

const functions = functionsOf(template).map((fn) => ({
  name: fn.logicalId,
  entry: fn.build?.EntryPoints[0] ?? '',
  settings: environmentOf(fn.properties).filter(isSetting),
}));
/** Every variable the functions read: config.ts names each, and only config.ts reads any. */
const CONFIG = 'functions/commons/config.ts';
const everySetting = [
  ...readFileSync(join(PROJECT_ROOT, CONFIG), 'utf8').matchAll(
    /required\('([A-Z_]+)'\)|process\.env\.([A-Z_]+)/g,
  ),
].map(([, required, optional]) => required ?? optional ?? '');
/** What every function is given (the Globals): not a setting of one function. */
const shared = everySetting.filter((name) =>
  functions.every(({ settings }) => settings.includes(name)),
);

const load = async (entry: string, without: readonly string[]) => {
  vi.resetModules();
  for (const name of without) vi.stubEnv(name, undefined);
  return import(/* @vite-ignore */ join(PROJECT_ROOT, entry));
};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the environment', () => {
  it('is read by config.ts alone, which names every variable', () => {
    const readers = readdirSync(join(PROJECT_ROOT, 'functions'), {
      recursive: true,
      encoding: 'utf8',
    })
      .map((file) => join('functions', file))
      .filter((file) => file.endsWith('.ts'))
      .filter((file) => readFileSync(join(PROJECT_ROOT, file), 'utf8').includes('process.env'));

    expect(readers).toEqual([CONFIG]);
    expect(everySetting).toContain('TABLE_NAME');
  });
});

describe.each(functions)('$name', ({ entry, settings }) => {
  it('starts with only the environment template.yaml gives it', async () => {
    const others = everySetting.filter((name) => !settings.includes(name));

    const module = await load(entry, others);

    expect(module.handler).toBeTypeOf('function');
  });

  const own = settings.filter((name) => !shared.includes(name));
  it.runIf(own.length > 0).each(own)('stops at start-up without %s, naming it', async (name) => {
    await expect(load(entry, [name])).rejects.toThrow(`Environment variable ${name} is not set`);
  });
});
