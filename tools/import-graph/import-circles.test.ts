/**
 * No import circles anywhere in the repo (apps, libs, tools, deploy, bench), type-only imports
 * included. The fixture cases prove the check sees a circle of each kind it guards against.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { describeCircles, findImportCircles } from './import-circles.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('the repo import graph', () => {
  it('has no circles, and every relative and @chucar/* import resolves', async () => {
    const { circles, unresolved } = await findImportCircles(repoRoot);
    expect(unresolved, 'imports the circle check could not follow').toEqual([]);
    expect(circles.length, `import circles:\n${describeCircles(circles)}`).toBe(0);
  }, 60_000);
});

describe('findImportCircles on a fixture', () => {
  const fixtures: string[] = [];
  afterAll(() => {
    for (const dir of fixtures) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A throwaway tree of files (path → content) with a workspace package `@chucar/lib` in libs/lib. */
  function fixture(files: Record<string, string>): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'import-circles-'));
    fixtures.push(root);
    const withPackage: Record<string, string> = {
      'libs/lib/package.json': JSON.stringify({ name: '@chucar/lib', type: 'module', exports: { '.': './src/index.ts' } }),
      ...files,
    };
    for (const [file, content] of Object.entries(withPackage)) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), content);
    }
    fs.mkdirSync(path.join(root, 'node_modules/@chucar'), { recursive: true });
    fs.symlinkSync('../../libs/lib', path.join(root, 'node_modules/@chucar/lib'));
    return root;
  }
  const globs = ['apps/*/src/**/*.ts', 'libs/*/src/**/*.ts'];

  it('reports a circle of value imports through three files', async () => {
    const root = fixture({
      'apps/app/src/a.ts': "import { b } from './b.ts';\nexport const a = () => b();\n",
      'apps/app/src/b.ts': "import { c } from './c.ts';\nexport const b = () => c();\n",
      'apps/app/src/c.ts': "import { a } from './a.ts';\nexport const c = () => a;\n",
      'libs/lib/src/index.ts': 'export const lib = 1;\n',
    });
    const { circles, unresolved } = await findImportCircles(root, globs);
    expect(unresolved).toEqual([]);
    expect(circles).toHaveLength(1);
    expect([...circles[0]!].sort()).toEqual(['apps/app/src/a.ts', 'apps/app/src/b.ts', 'apps/app/src/c.ts']);
  });

  it('reports a circle closed by a type-only import', async () => {
    const root = fixture({
      'apps/app/src/render.ts': "import { csv } from './csv.ts';\nexport interface Report { rows: string[] }\nexport const render = (r: Report) => csv(r);\n",
      'apps/app/src/csv.ts': "import type { Report } from './render.ts';\nexport const csv = (r: Report) => r.rows.join(',');\n",
      'libs/lib/src/index.ts': 'export const lib = 1;\n',
    });
    const { circles } = await findImportCircles(root, globs);
    expect(circles.map((files) => [...files].sort())).toEqual([['apps/app/src/csv.ts', 'apps/app/src/render.ts']]);
  });

  it('reports a circle that crosses a workspace package', async () => {
    const root = fixture({
      'apps/app/src/main.ts': "import { lib } from '@chucar/lib';\nexport const settings = { lib };\n",
      'libs/lib/src/index.ts': "import { settings } from '../../../apps/app/src/main.ts';\nexport const lib = 1;\nexport const read = () => settings;\n",
    });
    const { circles, unresolved } = await findImportCircles(root, globs);
    expect(unresolved).toEqual([]);
    expect(circles.map((files) => [...files].sort())).toEqual([['apps/app/src/main.ts', 'libs/lib/src/index.ts']]);
  });

  it('reports nothing for imports that only go one way', async () => {
    const root = fixture({
      'apps/app/src/main.ts': "import { lib } from '@chucar/lib';\nimport { helper } from './helper.ts';\nexport const run = () => helper(lib);\n",
      'apps/app/src/helper.ts': "import type { Lib } from '@chucar/lib';\nexport const helper = (value: Lib) => value;\n",
      'libs/lib/src/index.ts': 'export type Lib = number;\nexport const lib: Lib = 1;\n',
    });
    expect(await findImportCircles(root, globs)).toEqual({ circles: [], unresolved: [] });
  });

  it('names an import it cannot follow', async () => {
    const root = fixture({
      'apps/app/src/main.ts': "import { gone } from './gone.ts';\nexport const run = gone;\n",
      'libs/lib/src/index.ts': 'export const lib = 1;\n',
    });
    expect((await findImportCircles(root, globs)).unresolved).toEqual(['apps/app/src/main.ts imports ./gone.ts']);
  });

  it('describes a circle closed on its first file', () => {
    expect(describeCircles([['a.ts', 'b.ts']])).toBe('a.ts → b.ts → a.ts');
  });
});
