/**
 * Transpile-only transform (ts-jest with isolatedModules): type checking is `npm run typecheck`, which `npm test`
 * runs before jest. (@swc/jest would be faster, but its platform binaries are not all on the registry this project
 * installs from, and `npm ci` refuses a lock file without them.)
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 60000,
};
