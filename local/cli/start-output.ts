/**
 * What npm start prints while it runs, for a person at a terminal: after the banner, one short
 * line when an execution starts, one per step it ran (a Task, Map or Parallel state: ✓, or ✗
 * with its error and cause), one when it ends, one per message published to a topic, and what a
 * function logs as an error, with its stack (a function logs an error it did not expect so; a
 * failure it was asked for, it logs as a warning, and the step's ✗ line says it). The rest of
 * what the functions log is not printed: `--log-format json` prints their lines as Lambda writes
 * them to their log groups instead of the step lines, and `--log-file` keeps them in a file.
 *
 * Generic: it knows states, executions, topics and log levels, never an application. What an
 * execution's input means and how a message reads are the plugin's (local/plugin.ts):
 * `describeInput` and `formatMessage`.
 */
import { styleText } from 'node:util';
import {
  detailsField,
  TASK_ATTEMPTED,
  TASK_FAILED,
  TASK_SUCCEEDED,
} from '../aws/history-events.ts';
import { maskEmailAddresses } from '../console/format.ts';
import type { FunctionLogLine } from '../emulators/lambda-runtime.ts';
import type { TopicMessage } from '../emulators/messaging.ts';
import type { HistoryEvent } from '../emulators/sfn/history.ts';
import type { ExecutionRecord } from '../emulators/sfn/records.ts';
import type { Plugin } from '../plugin.ts';

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** No line is longer: a cause may be a whole document. */
export const MAX_LINE = 160;
/** The lines of a stack printed under an unexpected error. */
const STACK_LINES = 8;

type Style = Parameters<typeof styleText>[0];

export interface OutputOptions {
  format: LogFormat;
  /** Colours (the terminal has them, and NO_COLOR is not set). */
  color: boolean;
  plugin?: Pick<Plugin, 'describeInput' | 'formatMessage'> | undefined;
  /** Where a line goes (a line, without its newline). */
  print: (line: string) => void;
  /** Where a function's write goes as written, in json format (default: its own stream). */
  writeRaw?: (line: FunctionLogLine) => void;
  /** The local time of day, HH:MM:SS (default: the machine's). */
  timeOf?: (date: Date) => string;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** An execution's name as the lines show it: each UUID in it by its first 8 characters. */
export const shortId = (name: string) => name.replace(UUID, (uuid) => uuid.slice(0, 8));

/** `text` cut to `width` characters, the cut marked. */
const cut = (text: string, width = MAX_LINE) =>
  text.length <= width ? text : `${text.slice(0, width - 1)}…`;

/** One line of whitespace. */
const flat = (text: string) => text.replace(/\s+/g, ' ').trim();

/** A failure's cause in a few words: a Lambda error's message (its trace left out), or the text. */
export const causeOf = (cause: unknown): string => {
  if (typeof cause !== 'string') return '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed?.errorMessage === 'string') return flat(parsed.errorMessage);
  } catch {
    // Not JSON: the cause as written.
  }
  return flat(cause);
};

const failureText = ({ error, cause }: Failure) => {
  const because = causeOf(cause);
  return because && because !== error ? `${error}: ${because}` : error;
};

interface Failure {
  error: string;
  cause?: string;
}

/** A state entered and not yet left. */
interface OpenState {
  type: string;
  attempts: number;
  failure?: Failure;
}

interface Running {
  id: string;
  startedAt: number;
  states: Map<string, OpenState>;
  /** The Task states entered, the latest last: a task's events belong to the latest open one. */
  tasks: string[];
}

/** A state type whose run is a step worth a line; the others (Choice, Pass, Wait...) route. */
const STEPS = new Set(['Task', 'Map', 'Parallel']);

const ENDS: Record<string, string> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionAborted: 'ABORTED',
};

const ERROR_LEVELS = new Set(['ERROR', 'CRITICAL', 'FATAL']);

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

const defaultTimeOf = (date: Date) => date.toTimeString().slice(0, 8);

const machineName = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);

/** A log line's error as one line: `name: message`, and its stack's lines. */
const errorOf = (entry: Record<string, unknown>) => {
  const error = entry.error ?? entry.err;
  if (typeof error === 'string') return { summary: flat(error), stack: [] };
  if (typeof error !== 'object' || error === null) {
    const stack = typeof entry.stack === 'string' ? entry.stack : '';
    return { summary: '', stack: stack.split('\n').slice(1) };
  }
  const { name, message, stack } = error as Record<string, unknown>;
  const summary = [name, message].filter((part) => typeof part === 'string' && part).join(': ');
  return {
    summary: flat(summary),
    stack: typeof stack === 'string' ? stack.split('\n').slice(1) : [],
  };
};

export const startOutput = (options: OutputOptions) => {
  const { format, plugin, print } = options;
  const timeOf = options.timeOf ?? defaultTimeOf;
  const paint = (style: Style, text: string) =>
    options.color ? styleText(style, text, { validateStream: false }) : text;
  const writeRaw =
    options.writeRaw ?? (({ stream, text }: FunctionLogLine) => process[stream].write(text));

  /** A line: the time, dim, then `text` (cut to MAX_LINE before it is coloured). */
  const line = (at: Date, text: string, style?: Style) => {
    const time = timeOf(at);
    const body = cut(text, MAX_LINE - time.length - 1);
    print(`${paint('dim', time)} ${style ? paint(style, body) : body}`);
  };

  const executions = new Map<string, Running>();

  const stepLine = (run: Running, at: Date, name: string, state: OpenState, caught: boolean) => {
    const retries = state.attempts - 1;
    const retried = retries > 0 ? ` (${retries} ${retries === 1 ? 'retry' : 'retries'})` : '';
    if (state.failure) {
      line(
        at,
        `${run.id}   ✗ ${name}${retried}  ${failureText(state.failure)}`,
        caught ? 'yellow' : 'red',
      );
    } else {
      line(at, `${run.id}   ✓ ${name}${retried}`, 'green');
    }
  };

  const historyEvent = (execution: ExecutionRecord, event: HistoryEvent) => {
    if (format !== 'text') return;
    const details = (event[detailsField(event.type)] ?? {}) as Record<string, unknown>;
    const at = event.timestamp;
    if (event.type === 'ExecutionStarted') {
      const run: Running = {
        id: shortId(execution.name),
        startedAt: at.getTime(),
        states: new Map(),
        tasks: [],
      };
      executions.set(execution.executionArn, run);
      const machine = machineName(execution.stateMachineArn);
      // A test case's responses are mocked: what the input asks for does not happen.
      const about = execution.testCase
        ? ` #${execution.testCase} (mocked responses)`
        : (() => {
            const described = plugin?.describeInput?.({
              stateMachine: machine,
              input: execution.input,
            });
            return described ? `: ${described}` : '';
          })();
      line(at, `${run.id} ▶ ${machine}${about}`, 'bold');
      return;
    }
    const run = executions.get(execution.executionArn);
    if (!run) return;
    const name = typeof details.name === 'string' ? details.name : undefined;
    const latestTask = () => run.states.get(run.tasks.at(-1) ?? '');
    if (event.type.endsWith('StateEntered') && name !== undefined) {
      const type = event.type.slice(0, -'StateEntered'.length);
      run.states.set(name, { type, attempts: 0 });
      if (type === 'Task') run.tasks.push(name);
    } else if (event.type.endsWith('StateExited') && name !== undefined) {
      const state = run.states.get(name);
      run.states.delete(name);
      run.tasks = run.tasks.filter((task) => task !== name);
      if (state && STEPS.has(state.type)) stepLine(run, at, name, state, true);
    } else if (TASK_ATTEMPTED.has(event.type)) {
      const state = latestTask();
      if (state) state.attempts++;
    } else if (TASK_SUCCEEDED.has(event.type)) {
      const state = latestTask();
      if (state) delete state.failure;
    } else if (TASK_FAILED.has(event.type)) {
      const state = latestTask();
      if (state)
        state.failure = {
          error: String(details.error ?? event.type),
          cause: details.cause as string,
        };
    } else if (event.type === 'EvaluationFailed') {
      const state = run.states.get(String(details.state));
      if (state) state.failure = { error: String(details.error), cause: details.cause as string };
    } else if (event.type in ENDS) {
      executions.delete(execution.executionArn);
      // A step that failed and was not caught: its failure ended the execution.
      for (const [state, open] of run.states) {
        if (open.failure) stepLine(run, at, state, open, false);
      }
      const status = ENDS[event.type] ?? event.type;
      const took = seconds(at.getTime() - run.startedAt);
      const error = typeof details.error === 'string' ? details.error : undefined;
      const why = error ? `: ${failureText({ error, cause: details.cause as string })}` : '';
      line(
        at,
        `${run.id} ■ ${status} in ${took}${why}`,
        status === 'SUCCEEDED' ? 'green' : status === 'FAILED' ? 'red' : 'yellow',
      );
    }
  };

  const functionLog = (write: FunctionLogLine) => {
    if (format === 'json') {
      writeRaw(write);
      return;
    }
    const at = new Date();
    for (const text of write.text.split('\n')) {
      if (text.trim() === '') continue;
      let entry: unknown;
      try {
        entry = JSON.parse(text);
      } catch {
        // A line of its own (console.log's text): shown as the function wrote it.
        line(at, `${write.function}: ${flat(text)}`);
        continue;
      }
      if (typeof entry !== 'object' || entry === null) continue;
      const record = entry as Record<string, unknown>;
      const level = String(record.level ?? record.severity ?? '').toUpperCase();
      if (!ERROR_LEVELS.has(level)) continue;
      const { summary, stack } = errorOf(record);
      const message = typeof record.message === 'string' ? flat(record.message) : '';
      line(
        at,
        `${write.function} ✗ ${[message, summary].filter((part) => part).join(': ')}`,
        'red',
      );
      for (const frame of stack.slice(0, STACK_LINES))
        print(paint('dim', cut(`    ${frame.trim()}`)));
    }
  };

  const message = (published: TopicMessage) => {
    const { topicArn, subject, message: text } = published;
    const formatted = plugin?.formatMessage?.(published);
    const topic = topicArn.slice(topicArn.lastIndexOf(':') + 1);
    // Any email address the text holds (an operators' record carries whole events), masked.
    const fallback = `✉ ${topic}: ${maskEmailAddresses(flat(subject || text.split('\n')[0] || ''))}`;
    line(new Date(published.publishedAt), flat(formatted ?? fallback), 'cyan');
  };

  return { historyEvent, functionLog, message };
};
