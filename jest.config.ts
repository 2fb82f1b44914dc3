import type { Config } from 'jest';

// ESM + ts-jest: pdfjs-dist is ESM-only, so the whole suite runs as ESM
// (node --experimental-vm-modules). Type checking is done once by `tsc` in
// `npm test`, so ts-jest only transpiles (isolatedModules), which keeps it fast.
const config: Config = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/packages', '<rootDir>/tools'],
  testMatch: ['**/src/**/*.test.ts', '**/test/**/*.test.ts'],
  moduleNameMapper: {
    '^@mtb/([a-z0-9-]+)$': '<rootDir>/packages/$1/src/index.ts',
    '^@mtb-tools/([a-z0-9-]+)$': '<rootDir>/tools/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.base.json' }],
  },
  // Builds datasets/sample once before any test reads it (tests never build it themselves: issue 24).
  globalSetup: '<rootDir>/jest.global-setup.ts',
  testTimeout: 120_000,
  maxWorkers: 2,
};
export default config;
