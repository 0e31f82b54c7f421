// zod/mini as the functions use it: its schemas, checks and parsing. Left out: the 257 locales
// (the functions write their own messages), the JSON Schema converter and the compiler, which
// would make this entry four times larger and every cold start slower.

export {
  $brand,
  $input,
  $output,
  clone,
  config,
  flattenError,
  formatError,
  globalRegistry,
  NEVER,
  prettifyError,
  regexes,
  registry,
  treeifyError,
} from '../../node_modules/zod/v4/core/index.js';
export * from '../../node_modules/zod/v4/mini/checks.js';
export { input, output } from '../../node_modules/zod/v4/mini/in-out.js';
export * as iso from '../../node_modules/zod/v4/mini/iso.js';
export * from '../../node_modules/zod/v4/mini/parse.js';
export * from '../../node_modules/zod/v4/mini/schemas.js';
