/** @type {import('jest').Config} */
const tsJest = ['ts-jest', { diagnostics: false }];

module.exports = {
  // A global option: jest ignores testTimeout inside a project (e2e tests then had 5 s). A guard
  // against hangs, never a speed assertion: CI shares two cores with whatever else the machine runs,
  // and a list taken through review to award takes a minute when both cores are busy.
  testTimeout: 180000,
  // Suites run in a worker process that jest replaces once it holds more than this after a suite.
  // In one long-lived process the heap grew by about 35 MB a suite, and passed Node's default limit
  // at the 92nd: Node 20 keeps every AsyncLocalStorage ever run in a process-wide list (jest-circus,
  // nestjs-pino and the request context make new ones in each file's context), and each of them
  // adds a property to every later promise, timer and socket. jest's documented remedy for such
  // growth is this limit; with it set jest uses a worker even on a 2-core machine (one at a time).
  workerIdleMemoryLimit: '1536MB',
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/unit/**/*.spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      setupFiles: ['<rootDir>/test/support/env.ts'],
    },
  ],
};
