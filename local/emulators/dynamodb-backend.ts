/**
 * Which DynamoDB the platform runs on its DynamoDB port: AWS's DynamoDB Local when a Java runtime
 * is found (the JVM on loopback, a Node proxy on the port), else dynalite, saying why; or either
 * one asked for by name; or none, when DYNAMODB_ENDPOINT names an external one.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS } from '../aws/credentials.ts';
import type { ApiCalls } from './api-calls.ts';
import { checkDataFolder, type DataEngine, markDataFolder } from './data-folder.ts';
import { startDynalite } from './dynamodb.ts';
import {
  DYNAMODB_LOCAL,
  DynamoDBLocalUnavailable,
  installDynamoDBLocal,
} from './dynamodb-local/install.ts';
import { findJava, type Jvm, startJvm } from './dynamodb-local/jvm.ts';
import { type DynamoDBProxy, startDynamoDBProxy } from './dynamodb-local/proxy.ts';

export const DYNAMODB_CHOICES = ['local', 'dynalite'] as const;
export type DynamoDBChoice = (typeof DYNAMODB_CHOICES)[number];

/** The one command that installs a Java runtime on Debian and Ubuntu. */
export const INSTALL_JAVA = 'sudo apt-get install default-jre-headless';

/** The database npm start's clients all share in DynamoDB Local (its file under --data-dir). */
const PLATFORM_NAMESPACE = 'Local';

export interface RunningDynamoDB {
  endpoint: string;
  /** What answers on the endpoint, for the banner. */
  engine: 'DynamoDB Local' | 'dynalite' | 'external';
  /** Why dynalite runs when DynamoDB Local was not asked against. */
  fallback?: string;
  /** DynamoDB Local's JVM, when this platform started one. */
  jvm?: Pick<Jvm, 'endpoint' | 'pid'>;
  /** Tells of every request the port serves; none for an external DynamoDB. */
  calls?: ApiCalls;
  close?: () => Promise<void>;
}

export interface DynamoDBOptions {
  /**
   * Told, once, when the DynamoDB the platform runs is gone for good (its JVM ended with the
   * table in memory, or would not start again): one line saying what ended and what to do. The
   * port answers 503 from then on; npm start exits.
   */
  onFatal?: (message: string) => void;
  /** Run this one (default: DynamoDB Local when Java is found, else dynalite). */
  choice?: DynamoDBChoice | undefined;
  /** An external DynamoDB: nothing is started. */
  external?: string | undefined;
  /**
   * A DynamoDB Local JVM already running (its loopback endpoint): only a proxy is started, with
   * a database of its own in that JVM. The tests share one JVM this way.
   */
  sharedJvm?: string | undefined;
  port: number;
  host: string;
  dataDir?: string | undefined;
  /** Host names the port answers to besides the loopback ones (host.docker.internal, say). */
  allowedHosts?: readonly string[] | undefined;
  /** Progress worth telling (the first start fetches DynamoDB Local). */
  log?: (line: string) => void;
}

const dynalite = async (options: DynamoDBOptions, fallback?: string): Promise<RunningDynamoDB> => {
  if (options.dataDir) await checkDataFolder(options.dataDir, 'dynalite');
  const server = await startDynalite({
    port: options.port,
    host: options.host,
    ...(options.dataDir ? { path: options.dataDir } : {}),
    ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}),
  });
  if (options.dataDir) await keepData(server.endpoint, options.dataDir, 'dynalite');
  return { ...server, engine: 'dynalite', ...(fallback ? { fallback } : {}) };
};

/**
 * Makes the engine open its database in the data folder (a ListTables: DynamoDB Local creates
 * its file on first use), then notes it in the folder (markDataFolder).
 */
const keepData = async (endpoint: string, dataDir: string, engine: DataEngine) => {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    await client.send(new ListTablesCommand({}));
  } finally {
    client.destroy();
  }
  markDataFolder(dataDir, engine);
};

/** How often DynamoDB Local may end on its own before the platform stops restarting it. */
const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;

/**
 * DynamoDB Local's JVM behind the proxy, watched: if it ends on its own, with its data in a
 * folder it is started again on that data (checked first) and the proxy holds requests
 * meanwhile; in memory, its table is gone, and that is fatal (onFatal), as is a JVM that keeps
 * ending or will not start again.
 */
const dynamoDBLocal = async (
  options: DynamoDBOptions,
  java: string,
  namespace: string,
): Promise<RunningDynamoDB> => {
  const installed = await installDynamoDBLocal(java, options.log);
  const { dataDir } = options;
  const start = async () => {
    if (dataDir) await checkDataFolder(dataDir, 'DynamoDB Local', namespace);
    return startJvm({
      java,
      installed,
      dataDir,
      // Only its own origin: DynamoDB Local's default is `*` (the proxy removes the header anyway).
      cors: `http://${options.host}:${options.port}`,
    });
  };
  let jvm = await start();
  let proxy: DynamoDBProxy;
  try {
    proxy = await startDynamoDBProxy({ ...options, target: jvm.endpoint, namespace });
    if (dataDir) await keepData(proxy.url, dataDir, 'DynamoDB Local');
  } catch (error) {
    await jvm.close();
    throw error;
  }
  const say = options.log ?? ((line: string) => console.error(line));
  let closed = false;
  let fatal: string | undefined;
  const endsOnItsOwn: number[] = [];
  const giveUp = (message: string) => {
    if (fatal !== undefined || closed) return;
    fatal = message;
    proxy.refuse(message);
    if (options.onFatal) options.onFatal(message);
    else say(message);
  };
  const watch = (running: Jvm) => {
    void running.ended.then(async (how) => {
      if (closed) return;
      const ended = `DynamoDB Local (pid ${running.pid}) ended (${how})`;
      if (!dataDir) {
        giveUp(
          `${ended}: the table was in its memory and is gone. Start again (npm start); --data-dir keeps the table across such an end`,
        );
        return;
      }
      const now = Date.now();
      endsOnItsOwn.push(now);
      while ((endsOnItsOwn[0] ?? now) < now - RESTART_WINDOW_MS) endsOnItsOwn.shift();
      if (endsOnItsOwn.length > MAX_RESTARTS) {
        giveUp(
          `${ended}, the ${endsOnItsOwn.length}th time in a minute: not restarting it. Look at what it said, then start again (npm start)`,
        );
        return;
      }
      proxy.hold();
      say(`${ended}; starting it again on the data in ${dataDir} (requests wait meanwhile)`);
      try {
        jvm = await start();
      } catch (error) {
        giveUp(
          `${ended}, and did not start again: ${error instanceof Error ? error.message : String(error)}`,
        );
        return;
      }
      if (closed) {
        await jvm.close();
        return;
      }
      proxy.resume(jvm.endpoint);
      say(`DynamoDB Local started again (pid ${jvm.pid}) on the data in ${dataDir}`);
      watch(jvm);
    });
  };
  watch(jvm);
  return {
    endpoint: proxy.url,
    engine: 'DynamoDB Local',
    jvm: {
      get endpoint() {
        return jvm.endpoint;
      },
      get pid() {
        return jvm.pid;
      },
    },
    calls: proxy.calls,
    close: async () => {
      closed = true;
      await proxy.close();
      await jvm.close();
    },
  };
};

export const startDynamoDB = async (options: DynamoDBOptions): Promise<RunningDynamoDB> => {
  if (options.external) return { endpoint: options.external, engine: 'external' };
  if (options.choice === 'dynalite') return dynalite(options);
  if (options.sharedJvm) {
    if (options.dataDir) throw new Error('A shared DynamoDB Local keeps no data folder of its own');
    const proxy = await startDynamoDBProxy({
      ...options,
      target: options.sharedJvm,
      namespace: `platform${randomUUID().replaceAll('-', '')}`,
    });
    return {
      endpoint: proxy.url,
      engine: 'DynamoDB Local',
      calls: proxy.calls,
      close: proxy.close,
    };
  }
  const java = findJava();
  if (!java) {
    const missing = `no Java runtime found (JAVA_HOME, PATH); DynamoDB Local needs one: ${INSTALL_JAVA}`;
    if (options.choice === 'local') throw new Error(`--dynamodb local: ${missing}`);
    return dynalite(options, missing);
  }
  try {
    return await dynamoDBLocal(options, java, PLATFORM_NAMESPACE);
  } catch (error) {
    if (options.choice === 'local' || !(error instanceof DynamoDBLocalUnavailable)) throw error;
    return dynalite(
      options,
      `DynamoDB Local ${DYNAMODB_LOCAL.version} is unavailable: ${error.message}`,
    );
  }
};
