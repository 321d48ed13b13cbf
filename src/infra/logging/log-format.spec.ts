import { chooseLogFormat, transportFor } from './log-format';

describe('chooseLogFormat', () => {
  it.each([
    // setting, NODE_ENV, stdout a terminal, format
    ['auto', 'development', true, 'pretty'],
    ['auto', 'development', false, 'json'],
    ['auto', 'test', true, 'json'],
    ['auto', 'production', true, 'json'],
    ['pretty', 'development', false, 'pretty'],
    ['pretty', 'test', true, 'json'],
    ['pretty', 'production', true, 'json'],
    ['json', 'development', true, 'json'],
  ] as const)('LOG_FORMAT=%s, NODE_ENV=%s, terminal=%s: %s', (setting, nodeEnv, stdoutIsTty, format) => {
    expect(chooseLogFormat({ setting, nodeEnv, stdoutIsTty })).toBe(format);
  });
});

describe('transportFor', () => {
  it('pretty goes through pino-pretty, json straight to stdout', () => {
    expect(transportFor('pretty')?.target).toBe('pino-pretty');
    expect(transportFor('json')).toBeUndefined();
  });

  it('names a transport that resolves', () => {
    expect(() => require.resolve(transportFor('pretty')!.target)).not.toThrow();
  });
});
