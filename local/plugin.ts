/**
 * The one interface through which an application plugs its own offline code into the platform.
 * The platform runs any SAM template without one; a plugin adds only what the application alone
 * knows: what the console offers to start and shows beside an execution, what to settle after a
 * restart on kept data, how npm start words a message and an execution's input, and what it
 * suggests trying.
 *
 * A template names its plugin in the package.json beside it, by the template's file name:
 *
 *   "offline": { "plugins": { "template.yaml": "./local/app/plugin.ts" } }
 *
 * so `npm start` runs the project's template.yaml with the plugin its package.json names, and
 * `npm start -- --template PATH` runs another template with the plugin its own package.json
 * names, or none. The module's default export is the plugin.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ConsoleExtension } from './console/server.ts';
import type { Route } from './emulators/http-api.ts';
import type { TopicMessage } from './emulators/messaging.ts';
import type { Endpoints } from './stack.ts';

/** What a plugin's hooks see of the running platform: names, endpoints, and one action. */
export interface Running {
  region: string;
  endpoints: Endpoints;
  /** The template's state machines' ARNs, by logical id. */
  stateMachines: Readonly<Record<string, string>>;
  /** Its tables' names, by logical id. */
  tables: Readonly<Record<string, string>>;
  /** Its functions, each with exactly the environment the platform gives it. */
  functions: readonly { name: string; environment: Readonly<Record<string, string>> }[];
  /** The HTTP API's routes; a route with an `authorizer` needs a token. */
  routes: readonly Route[];
  /** A template parameter's value: the override given, else its default. */
  parameter(name: string): string | undefined;
  /** Runs each of the template's schedules once, now (with this event, if given), and waits. */
  runSchedules(input?: unknown): Promise<void>;
}

export interface Plugin {
  /** The application's name, as npm start and the console title it. */
  name: string;
  /**
   * Runs after a start on kept data (--data-dir) with the built-in Step Functions, before the
   * HTTP API takes a request: none of the last run's executions survived it, so whatever they
   * left unfinished is the application's to settle.
   */
  afterRestart?(running: Running): Promise<void>;
  /** What the console offers for this application (local/console/server.ts). */
  console?(running: Running): ConsoleExtension;
  /**
   * A message published to one of the template's topics, as npm start prints it: one short line
   * (npm start puts the time before it, and cuts it at 160 characters). Without the hook: the
   * topic and the message's subject; so too when the hook answers undefined (a topic it does
   * not word).
   */
  formatMessage?(message: TopicMessage): string | undefined;
  /**
   * What an execution's input asks for, in a few words, on the line npm start prints when the
   * execution starts (after the state machine's name); undefined adds nothing. Not asked for a
   * mock configuration's test case, whose responses are mocked whatever the input says.
   */
  describeInput?(execution: { stateMachine: string; input: string }): string | undefined;
  /** Lines npm start prints after its own: what to try with this application. */
  banner?(running: Running): string;
}

/** The package.json field that names a template's plugin. */
interface Declaration {
  offline?: { plugins?: Record<string, string> };
}

/** The plugin module the package.json beside `templatePath` names for it, if any. */
export const pluginPathOf = (templatePath: string): string | undefined => {
  const manifest = join(dirname(templatePath), 'package.json');
  if (!existsSync(manifest)) return undefined;
  const declared = (JSON.parse(readFileSync(manifest, 'utf8')) as Declaration).offline?.plugins?.[
    basename(templatePath)
  ];
  return declared === undefined ? undefined : resolve(dirname(templatePath), declared);
};

/** Loads the plugin the template declares; undefined when it declares none. */
export const loadPlugin = async (templatePath: string): Promise<Plugin | undefined> => {
  const path = pluginPathOf(templatePath);
  if (path === undefined) return undefined;
  const module = (await import(pathToFileURL(path).href)) as { default?: Partial<Plugin> };
  const plugin = module.default;
  if (typeof plugin?.name !== 'string') {
    throw new Error(`${path} must export a plugin (local/plugin.ts) as its default export`);
  }
  return plugin as Plugin;
};
