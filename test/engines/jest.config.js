// Jest config of `npm run test:engines`: the suites that run real engines (kube-apiserver, scheduler, KWOK, Pulumi).
// They are slow, so the main `npm test` ignores test/engines/ and this config runs only them, one file at a time.
const base = require('../../package.json').jest;

module.exports = {
  ...base,
  rootDir: '../..',
  roots: ['<rootDir>/test/engines'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 300000,
  maxWorkers: 1,
};
