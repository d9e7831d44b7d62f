// Lint for the whole repository (`npm run lint`, part of `npm test`). The rules are the ones the code already assumes:
// cdk8s-plus's line length and import hygiene, no require() outside the named run-time loaders, no run-time import
// cycle, and layers that point one way (constructs <- policies <- stacks). Formatting is not linted beyond line length.
import { defineConfig } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: ['lib/**', 'dist/**', 'coverage/**', 'node_modules/**', '.bench/**', '**/*.d.ts'],
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      ecmaVersion: 2022,
      sourceType: 'module',
    },
    linterOptions: {
      // An eslint-disable comment that no longer suppresses anything is an error: it would only mislead.
      reportUnusedDisableDirectives: 'error',
    },
    plugins: {
      '@typescript-eslint': tseslint.plugin,
      'import-x': importX,
    },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      'max-len': ['error', {
        code: 150,
        ignoreStrings: true,
        ignoreTemplateLiterals: true,
        ignoreComments: true,
        ignoreUrls: true,
        ignoreRegExpLiterals: true,
      }],
      '@typescript-eslint/no-require-imports': 'error',
      // Cycles through `import type` are a construct tree seen from both ends; run-time ones are not allowed.
      'import-x/no-cycle': ['error', { ignoreExternal: true, allowUnsafeDynamicCyclicDependency: false }],
      // Groups only (node, packages, then this repository's modules): alphabetizing would reorder most files at once.
      'import-x/order': ['error', { groups: ['builtin', 'external', 'internal', 'parent', 'sibling', 'index'] }],
      // The disable comments in the code base name these two: a deliberate `any` or console line says why.
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'error',
      'import-x/no-restricted-paths': ['error', {
        zones: [
          { target: './constructs', from: ['./policies', './stacks'], message: 'constructs are the bottom layer: they import neither policies nor stacks.' },
          {
            target: './policies',
            from: './stacks',
            message: 'the policies library does not import the stacks; pass what it needs as an argument (see policies/index.ts).',
          },
        ],
      }],
    },
  },
  {
    // The engine suites read live API responses and Pulumi engine events of any shape.
    files: ['test/engines/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The policy pack's entry point composes the library with the stacks' estate loader (and is not shipped).
    files: ['policies/index.ts'],
    rules: { 'import-x/no-restricted-paths': 'off' },
  },
);
