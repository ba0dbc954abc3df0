// Jest's module map is generated from tsconfig paths so that the aliases are declared once.
const { compilerOptions } = require('./tsconfig.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);

// NestJS 12 ships ES modules only. Node 20 loads them with require(esm), but Jest's module runtime
// cannot (before Node 24.9), so Jest compiles those packages to CommonJS like our own sources.
const ESM_PACKAGES = ['@nestjs', 'nestjs-pino'];

module.exports = {
  rootDir: __dirname,
  moduleNameMapper,
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    '^.+\\.m?js$': [
      'babel-jest',
      {
        babelrc: false,
        configFile: false,
        plugins: [
          './test/jest/esm-require-rename.babel.js',
          'babel-plugin-transform-import-meta',
          '@babel/plugin-transform-modules-commonjs',
        ],
      },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  testEnvironment: 'node',
};
