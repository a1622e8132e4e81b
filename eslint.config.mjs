import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.scratch/',
      'dist/',
      'server/data/',
      'coverage/',
      '.e2e/',
      'test/e2e/**/*.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['server/src/analysis/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'vscode',
                'vscode-*',
                'node:*',
                'fs',
                'path',
                'child_process',
                'os',
                '**/lsp/**',
                '**/cli/**',
                '**/node/**',
              ],
              message: 'analysis/ is pure: no I/O, no LSP, no vscode (see ARCHITECTURE.md).',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'require'],
    },
  },
  {
    files: ['server/src/lsp/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['vscode'],
          patterns: [{ group: ['**/cli/**'], message: 'The server does not know the CLI.' }],
        },
      ],
    },
  },
  {
    files: ['server/src/cli/**/*.ts', 'server/src/node/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['vscode'],
          patterns: [
            {
              group: ['vscode-*', '**/lsp/**'],
              message: 'Only server/src/lsp knows LSP (see ARCHITECTURE.md).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', 'scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
