/** @type {import('jest').Config} */
const tsJest = ['ts-jest', { diagnostics: false }];

module.exports = {
  // A global option: jest ignores testTimeout inside a project (e2e tests then had 5 s). A guard
  // against hangs, never a speed assertion: CI shares two cores with whatever else the machine runs,
  // and a list taken through review to award takes a minute when both cores are busy.
  testTimeout: 180000,
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
