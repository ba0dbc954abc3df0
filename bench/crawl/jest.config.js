const common = require('../../jest.common');

// `npm run bench:crawl`: the crawl benchmark runs under Jest only for its TypeScript and ESM handling.
module.exports = {
  ...common,
  rootDir: require('node:path').join(__dirname, '..', '..'),
  testMatch: ['<rootDir>/bench/crawl/*.bench.ts'],
  testTimeout: 900_000,
};
