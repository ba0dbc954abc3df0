import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  // libs/*/wasm holds AssemblyScript (compiled by scripts/build-wasm.js), not TypeScript.
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.shadowscan/**', 'bin/**', 'libs/*/wasm/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: { globals: globals.node, sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/libs/*', '../../libs/**'], message: 'Import libs through @shadowscan/<lib>.' },
          ],
        },
      ],
    },
  },
);
