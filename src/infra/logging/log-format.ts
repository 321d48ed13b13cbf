/** What LOG_FORMAT may say: `auto` lets the environment decide. */
export type LogFormatSetting = 'json' | 'pretty' | 'auto';

/**
 * JSON lines unless a person reads them: pretty only ever in development (`auto`: with stdout on a
 * terminal; `pretty`: also when piped, e.g. into less), so tests, CI and production always log
 * JSON, which their collectors parse.
 */
export function chooseLogFormat(input: {
  setting: LogFormatSetting;
  nodeEnv: 'development' | 'test' | 'production';
  stdoutIsTty: boolean;
}): 'json' | 'pretty' {
  if (input.nodeEnv !== 'development') return 'json';
  if (input.setting !== 'auto') return input.setting;
  return input.stdoutIsTty ? 'pretty' : 'json';
}

/** The pino transport for a format: pino-pretty in a worker thread, or none (JSON on stdout). */
export function transportFor(format: 'json' | 'pretty'): { target: string; options: object } | undefined {
  if (format === 'json') return undefined;
  return {
    target: 'pino-pretty',
    options: { colorize: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
  };
}
