const common = require('./jest.common');

// Suites that read ../shared (corpora and benchmarks); run by .ci/run when ../shared exists.
module.exports = {
  ...common,
  displayName: 'corpus',
  testMatch: ['<rootDir>/test/corpus/**/*.corpus.ts'],
  testTimeout: 600000,
};
