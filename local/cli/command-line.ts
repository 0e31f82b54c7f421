/**
 * The command line of every tool in local/cli/, read one way: node:util's parseArgs, strict,
 * with `--help` added. `--help` prints the tool's usage on stdout and exits 0; a command line
 * parseArgs refuses (an unknown option, an option without its value, a positional the tool does
 * not take) prints the reason and the usage on stderr and exits 2. Both happen before the tool
 * does anything, and neither shows a stack trace: a person typed it, not a program.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

/** The exit status of a command line the tool refuses, as in most Unix tools. */
const USAGE_EXIT_CODE = 2;

/** Refuses the command line: the reason, then the usage, on stderr; exits 2. */
export const usageError = (usage: string, message: string): never => {
  process.stderr.write(`${message}\n\n${usage}`);
  process.exit(USAGE_EXIT_CODE);
};

type ToolConfig = Omit<ParseArgsConfig, 'args' | 'strict' | 'tokens'>;

/**
 * The tool's options and positionals from process.argv, as parseArgs reads them with `config`;
 * answers `--help` and refuses a bad command line itself (see the module's header). `usage` is
 * the whole text, ending with a newline, that says every option, `--help` among them.
 */
export const readCommandLine = <const T extends ToolConfig>(
  usage: string,
  config: T,
): ReturnType<typeof parseArgs<T>> => {
  // The tool's config with --help added; its result is the tool's own (--help never returns).
  let parsed: { values: { help?: unknown } };
  try {
    parsed = parseArgs({ ...config, options: { ...config.options, help: { type: 'boolean' } } });
  } catch (error) {
    return usageError(usage, error instanceof Error ? error.message : String(error));
  }
  if (parsed.values.help) {
    process.stdout.write(usage);
    process.exit(0);
  }
  return parsed as ReturnType<typeof parseArgs<T>>;
};
