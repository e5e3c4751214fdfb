import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/**
 * Two tag axes, and a project must satisfy the constraints of both of its tags.
 * type: apps use libs; libs never use apps (nor does anything else); apps never use each other;
 * domain stands alone; the contracts (what crosses a process boundary) may name the domain's
 * constants, and the platform may use the contracts. scope: an app's own code, the shared libs,
 * and the tooling.
 */
const depConstraints = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:platform', 'type:contracts'] },
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:domain'] },
  { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:contracts'] },
  // Scripts and tests of the whole may use anything but the benchmarks and the deployment.
  { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['*'], notDependOnLibsWithTags: ['type:bench', 'type:deploy'] },
  { sourceTag: 'type:bench', onlyDependOnLibsWithTags: ['*'] },
  // Deployment files use the platform's env specs, and the programs' config modules (allowed below).
  { sourceTag: 'type:deploy', onlyDependOnLibsWithTags: ['type:platform'] },

  { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:gateway', 'scope:shared'] },
  { sourceTag: 'scope:media', onlyDependOnLibsWithTags: ['scope:media', 'scope:shared'] },
  { sourceTag: 'scope:reporter', onlyDependOnLibsWithTags: ['scope:reporter', 'scope:shared'] },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  // The web client runs in the browser and reaches the platform only through the public API.
  { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:web'] },
  { sourceTag: 'scope:tooling', onlyDependOnLibsWithTags: ['*'] },
];

/**
 * `allow` lists imports the rule skips entirely, so each list is as narrow as the need. Nothing here
 * is bundled, so a dynamic import of a lib is no lazy load: tests use it to re-load a module under
 * another environment.
 */
const moduleBoundaries = (allow) => [
  'error',
  { enforceBuildableLibDependency: false, allow, depConstraints, checkDynamicDependenciesExceptions: ['^@chucar/'] },
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.stack/**', '.nx/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@nx/enforce-module-boundaries': moduleBoundaries([]),
    },
  },
  {
    // Benchmarks drive the stack and the seeder through the tools' own modules, which no package exports.
    files: ['bench/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': moduleBoundaries(['../tools/**']) },
  },
  {
    // The browser tests expect the page to show the web client's own messages (Nx forbids importing
    // an app); the services they drive run as processes.
    files: ['tools/browser/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': moduleBoundaries(['^(\\.\\./)+apps/web/src/i18n/messages\\.ts$']) },
  },
  {
    // The deployment documents and checks every program's env spec, read from its config module:
    // the apps' (Nx forbids importing an app at all), the local stack's and npm start's; checks that
    // the image runs what the build writes, read from the build's own description; and that the
    // compose Galera nodes run with the local stack's node options (its pure galera-state module).
    files: ['deploy/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': moduleBoundaries([
        '^(\\.\\./)+tools/build/build-projects\\.ts$',
        '^@chucar/api-gateway/config$',
        '^@chucar/media-service/config$',
        '^@chucar/replica-reporter/config$',
        '^(\\.\\./)+tools/stack/config\\.ts$',
        '^(\\.\\./)+tools/stack/galera-state\\.ts$',
        '^(\\.\\./)+tools/supervisor/start-config\\.ts$',
      ]),
    },
  },
);
