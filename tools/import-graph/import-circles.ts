/**
 * Import circles in the repo's TypeScript, found with dpdm over the whole tree at once (so a circle
 * that crosses projects is seen too). Type-only imports count: they are erased at run time, but a
 * renderer importing its type from the dispatcher that imports the renderer is still two files
 * that cannot be read or moved apart. Dynamic imports count as well.
 */
import { parseCircular, parseDependencyTree } from 'dpdm';

/** Every folder with TypeScript of ours, as globs relative to the repo root. */
export const repoSourceGlobs = [
  'apps/*/src/**/*.{ts,tsx}',
  'apps/*/*.ts',
  'libs/*/src/**/*.ts',
  'tools/**/*.ts',
  'deploy/**/*.ts',
  'bench/**/*.ts',
];

export interface ImportCircles {
  /** Each circle as the files (relative to the root) that import one another in turn. */
  circles: string[][];
  /**
   * Relative or `@chucar/*` imports that did not resolve to a file: the check is blind past them,
   * so a caller should treat any as a failure of the check itself.
   */
  unresolved: string[];
}

/** The circles among the files the globs match (relative to `root`) and everything they import. */
export async function findImportCircles(root: string, globs: readonly string[] = repoSourceGlobs): Promise<ImportCircles> {
  const tree = await parseDependencyTree([...globs], {
    cwd: root,
    context: root,
    // A generated declaration file (the web client's schema.d.ts) is imported without its suffix.
    extensions: ['', '.ts', '.tsx', '.d.ts', '.mjs', '.js', '.json'],
    transform: false,
    skipDynamicImports: false,
    exclude: /node_modules|\/dist\//,
  });
  const unresolved = Object.entries(tree).flatMap(([file, imports]) =>
    (imports ?? [])
      .filter((entry) => entry.id === null && /^(\.|@chucar\/)/.test(entry.request))
      .map((entry) => `${file} imports ${entry.request}`),
  );
  return { circles: parseCircular(tree), unresolved };
}

/** One line per circle, closed on its first file: `a.ts → b.ts → a.ts`. */
export function describeCircles(circles: readonly (readonly string[])[]): string {
  return circles.map((files) => [...files, files[0]].join(' → ')).join('\n');
}
