// ESLint flat config for the whole repository (TypeScript, React renderer, Node scripts).
// Not type-aware on purpose: the project has 2 CPU cores and type-aware linting re-runs the compiler;
// `tsc -b` already checks types. The rules below are chosen to catch real bugs, not style.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const NO_ELECTRON = { name: 'electron', message: 'Only electron/main and electron/preload may import Electron.' };
/**
 * No deep imports into electron/core from outside it: core/index.ts (Node), core/engine.ts (onnxruntime
 * engine) and core/lesions/index.ts (pure lesion rules) are its public entry points. Tests are exempt: unit
 * tests mirror the source tree and test the module they mirror.
 */
const DEEP_CORE = {
  regex: String.raw`^(\.\.?/)+(electron/)?core/(?!(index|engine|lesions|lesions/index)$)`,
  message: 'Import electron/core through electron/core/index.ts, electron/core/engine.ts or electron/core/lesions/index.ts.',
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.tsbuild/**',
      'release/**',
      'out/**',
      'test-results/**',
      'models/training/**',
      // scripts/gpu/pack-carry.sh output (git-ignored): a copied onnxruntime-node and the bundled GPU checker
      'build/gpu-carry/**',
      // personal scratch folders (untracked)
      '**/.scratch*/**',
      // third-party code vendored verbatim (kept byte-identical to upstream)
      '**/vendor/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
      'no-self-compare': 'error',
      'no-template-curly-in-string': 'error',
      'no-unmodified-loop-condition': 'error',
      'no-unreachable-loop': 'error',
      'no-constant-binary-expression': 'error',
      'no-fallthrough': 'error',
      'no-new-func': 'error',
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'prefer-const': 'error',
      'no-var': 'error',
      'no-throw-literal': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'all', caughtErrorsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // Core, CLI, worker and server are plain Node: no Electron, no console (one injected logger).
    files: ['electron/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [NO_ELECTRON] }],
    },
  },
  {
    // The lesion rules are pure so the renderer can bundle them: no Node built-ins, no native packages, and from
    // the rest of core only these pure modules.
    files: ['electron/core/lesions/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [NO_ELECTRON],
          patterns: [
            { group: ['node:*', 'onnxruntime-node', 'dcmjs*', 'dicom-parser'], message: 'electron/core/lesions is pure (the renderer bundles it).' },
            { regex: String.raw`^\.\./(?!(errors|dicom/Volume|volumetry/abcOver2|bundle/Labels)$)`, message: 'electron/core/lesions may import only pure core modules (errors, dicom/Volume, volumetry/abcOver2, bundle/Labels types).' },
          ],
        },
      ],
    },
  },
  {
    // Outside core, core is imported only through its public entry points (electron/core/index.ts).
    files: ['electron/cli/**/*.ts', 'electron/server/**/*.ts', 'electron/worker/**/*.ts', 'electron/ipc/**/*.ts', 'electron/services/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [NO_ELECTRON], patterns: [DEEP_CORE] }],
    },
  },
  {
    files: ['electron/main/**/*.ts', 'electron/preload/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [DEEP_CORE] }],
    },
  },
  {
    files: ['electron/core/**/*.ts', 'electron/ipc/**/*.ts', 'electron/main/**/*.ts', 'electron/preload/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // The renderer is a browser page behind contextIsolation: no Node built-ins, no Electron.
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer talks to the API object only (renderer/src/api).' }],
          patterns: [
            { group: ['node:*'], message: 'No Node built-ins in the renderer.' },
            { regex: String.raw`^(\.\./)+electron/core/(?!(lesions|lesions/index)$)`, message: 'The renderer imports core only through the pure entry electron/core/lesions/index.ts.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
