/**
 * Bundle sizes per function: as shipped (the AWS SDK from the nodejs24.x runtime, Powertools and
 * the shared packages from the layers), with only the AWS SDK left out, and with everything in.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BuiltFunction, builtFunctions, bundleFunction } from '../local/template/build.ts';
import { readTemplate } from '../local/template/template.ts';

export interface BundleSizes {
  function: string;
  /** As deployed: the AWS SDK, Powertools, zod and middy external. */
  shippedBytes: number;
  /** Only the AWS SDK external (as on the runtime); Powertools, zod and middy bundled. */
  sdkExternalBytes: number;
  /** Everything bundled, the AWS SDK included. */
  bundledBytes: number;
}

const sizeWith = async (fn: BuiltFunction, external: string[], folder: string) => {
  const bundle = await bundleFunction(
    { ...fn, build: { ...fn.build, External: external } },
    join(folder, `${fn.logicalId}-${external.length}`),
  );
  return statSync(bundle).size;
};

export const measureBundles = async (): Promise<BundleSizes[]> => {
  const folder = mkdtempSync(join(tmpdir(), 'bench-bundles-'));
  try {
    return await Promise.all(
      builtFunctions(readTemplate()).map(async (fn) => ({
        function: fn.logicalId,
        shippedBytes: await sizeWith(fn, fn.build.External ?? [], folder),
        sdkExternalBytes: await sizeWith(fn, ['@aws-sdk/*'], folder),
        bundledBytes: await sizeWith(fn, [], folder),
      })),
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
};
