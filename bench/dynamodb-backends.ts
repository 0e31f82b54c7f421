/**
 * AWS's DynamoDB Local and dynalite side by side, each behind a real `npm start` (the functions
 * built already): its start time (spawn to the banner), PutItem/s at concurrency 32 on its
 * DynamoDB port, sagas/s at concurrency 32 (the success path, through the HTTP API, after an
 * uncounted warm-up), and the peak RSS of the Node process and of the JVM after that load.
 */
import { DYNAMODB_CHOICES, type DynamoDBChoice } from '../local/emulators/dynamodb-backend.ts';
import { measureWriteCeiling, rssOf, runLevel, startPlatformProcess } from './throughput.ts';

export interface BackendFigures {
  backend: DynamoDBChoice;
  startMs: number;
  putsPerSecond: number;
  sagasPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  nodePeakRssMb: number;
  /** The JVM's; undefined on dynalite, which runs inside the Node process. */
  jvmPeakRssMb: number | undefined;
}

export const compareDynamoDBBackends = async (settings: {
  puts: number;
  sagas: number;
}): Promise<BackendFigures[]> => {
  const figures: BackendFigures[] = [];
  for (const backend of DYNAMODB_CHOICES) {
    const platform = await startPlatformProcess(['--dynamodb', backend]);
    try {
      const jvmPid = Number(/\(Java, pid (\d+)\)/.exec(platform.banner)?.[1] ?? Number.NaN);
      const tableName = /table (\w+)/.exec(platform.banner)?.[1] ?? 'BookingsTable';
      const ceiling = await measureWriteCeiling(
        { endpoint: `http://127.0.0.1:${platform.ports.dynamodb}`, tableName },
        settings.puts,
      );
      const api = `http://127.0.0.1:${platform.ports.api}`;
      await runLevel(api, 'warm-up', ['success'], 32, 64, platform.waitForEnd);
      const level = await runLevel(
        api,
        `success on ${backend}`,
        ['success'],
        32,
        settings.sagas,
        platform.waitForEnd,
      );
      figures.push({
        backend,
        startMs: platform.startMs,
        putsPerSecond: ceiling.putsPerSecond,
        sagasPerSecond: level.sagasPerSecond,
        p50Ms: level.p50Ms,
        p95Ms: level.p95Ms,
        nodePeakRssMb: rssOf(platform.child.pid ?? 0).peakRssMb,
        jvmPeakRssMb: Number.isInteger(jvmPid) ? rssOf(jvmPid).peakRssMb : undefined,
      });
    } finally {
      await platform.stop();
    }
  }
  return figures;
};
