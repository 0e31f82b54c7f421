/**
 * Which DynamoDB the platform runs on its DynamoDB port: AWS's DynamoDB Local when a Java runtime
 * is found (the JVM on loopback, a Node proxy on the port), else dynalite, saying why; or either
 * one asked for by name; or none, when DYNAMODB_ENDPOINT names an external one.
 */
import { randomUUID } from 'node:crypto';
import type { ApiCalls } from './api-calls.ts';
import { startDynalite } from './dynamodb.ts';
import {
  DYNAMODB_LOCAL,
  DynamoDBLocalUnavailable,
  installDynamoDBLocal,
} from './dynamodb-local/install.ts';
import { findJava, type Jvm, startJvm } from './dynamodb-local/jvm.ts';
import { startDynamoDBProxy } from './dynamodb-local/proxy.ts';

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
  const server = await startDynalite({
    port: options.port,
    host: options.host,
    ...(options.dataDir ? { path: options.dataDir } : {}),
    ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}),
  });
  return { ...server, engine: 'dynalite', ...(fallback ? { fallback } : {}) };
};

const dynamoDBLocal = async (
  options: DynamoDBOptions,
  java: string,
  namespace: string,
): Promise<RunningDynamoDB> => {
  const installed = await installDynamoDBLocal(java, options.log);
  const jvm = await startJvm({
    java,
    installed,
    dataDir: options.dataDir,
    // Only its own origin: DynamoDB Local's default is `*` (the proxy removes the header anyway).
    cors: `http://${options.host}:${options.port}`,
  });
  try {
    const proxy = await startDynamoDBProxy({ ...options, target: jvm.endpoint, namespace });
    return {
      endpoint: proxy.url,
      engine: 'DynamoDB Local',
      jvm: { endpoint: jvm.endpoint, pid: jvm.pid },
      calls: proxy.calls,
      close: async () => {
        await proxy.close();
        await jvm.close();
      },
    };
  } catch (error) {
    await jvm.close();
    throw error;
  }
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
