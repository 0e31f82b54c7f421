/**
 * The command line of every tool in local/cli/, read one way: node:util's parseArgs, strict,
 * with `--help` added. `--help` prints the tool's usage on stdout and exits 0; a command line
 * parseArgs refuses (an unknown option, an option without its value, a positional the tool does
 * not take) prints the reason and the usage on stderr and exits 2. Both happen before the tool
 * does anything, and neither shows a stack trace: a person typed it, not a program.
 *
 * The reasons are our own sentences, read from parseArgs's tokens, rather than its strict mode's
 * errors: those tell a person to quote a dash in a way that leaves a quote open, and refuse a
 * negative number as an option's value (`--expires-in -60`). A value that looks like an option
 * (`--name --input`) is still refused: it is far more often a forgotten value.
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
/** parseArgs's tokens, as much of them as the checks read. */
type Token =
  | { kind: 'positional'; value: string }
  | { kind: 'option'; name: string; rawName: string; value?: string; inlineValue?: boolean }
  | { kind: 'option-terminator' };

/** A value given after its option that is another option, not a number: a forgotten value. */
const looksLikeAnOption = (value: string) => value.startsWith('-') && !/^-\d/.test(value);

/** Why the command line is refused, or undefined when the tool takes it. */
const refusalOf = (config: ToolConfig, tokens: readonly Token[]): string | undefined => {
  const options = config.options ?? {};
  for (const token of tokens) {
    if (token.kind === 'positional' && !config.allowPositionals) {
      return `Unexpected argument '${token.value}'. This command does not take positional arguments`;
    }
    if (token.kind !== 'option') continue;
    const option = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (!option) return `Unknown option '${token.rawName}'`;
    if (option.type === 'boolean' && token.value !== undefined) {
      return `Option '${token.rawName}' takes no value`;
    }
    if (option.type === 'string' && token.value === undefined) {
      return `Option '${token.rawName} <value>' argument missing`;
    }
    if (option.type === 'string' && !token.inlineValue && looksLikeAnOption(token.value ?? '')) {
      return `Option '${token.rawName}' wants a value, not the option '${token.value}' (write ${token.rawName}=${token.value} if that is the value)`;
    }
  }
  return undefined;
};

/**
 * The tool's options and positionals from process.argv, as parseArgs reads them with `config`;
 * answers `--help` and refuses a bad command line itself (see the module's header). `usage` is
 * the whole text, ending with a newline, that says every option, `--help` among them.
 */
export const readCommandLine = <const T extends ToolConfig>(
  usage: string,
  config: T,
): ReturnType<typeof parseArgs<T>> => {
  const withHelp = {
    ...config,
    options: { ...config.options, help: { type: 'boolean' } },
  } as const;
  let parsed: { values: { help?: unknown }; tokens?: readonly Token[] };
  try {
    parsed = parseArgs({ ...withHelp, strict: false, tokens: true });
  } catch (error) {
    return usageError(usage, error instanceof Error ? error.message : String(error));
  }
  const refusal = refusalOf(withHelp, parsed.tokens ?? []);
  if (refusal !== undefined) return usageError(usage, refusal);
  if (parsed.values.help) {
    process.stdout.write(usage);
    process.exit(0);
  }
  // What strict parsing would have given: every option known and of its type (checked above).
  return parsed as unknown as ReturnType<typeof parseArgs<T>>;
};
