const common = require('./jest.common');

// `npm test`: unit specs beside the code and integration tests under test/ (real PostgreSQL and Redis).
// Nothing here reads ../shared; those suites are in jest.corpus.config.js.
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'],
    },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/**/*.test.ts'] },
  ],
};
