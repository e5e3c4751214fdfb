/**
 * Bundles one built entry (the JavaScript tsc wrote, with the built libraries it imports from
 * dist/node_modules and its packages from node_modules) into `<outDir>/bundle/`, as the image runs
 * the gateway. One module instead of ~2,000 (each ESM module keeps its record, its scope data and
 * its whole source text in the heap) and the unused parts of TypeBox and Kysely left out.
 *
 * The bundle is written in ASCII without comments: V8 keeps a script's source as long as the
 * script lives, two bytes per character if a single character is not ASCII (an em dash in a
 * comment is enough), so a 4 MB bundle would hold 8 MiB.
 */
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { build as rolldown } from 'rolldown';
import { outputOf, repoRoot, type BundledEntry, type TypeScriptBuild } from './build-projects.ts';

/**
 * Packages left out of the bundle and loaded from node_modules as usual, because they find files
 * of their own package at run time: swagger-ui serves its page's assets from its folder (and
 * registers @fastify/static, which the web client uses too: one copy for both), and pino starts
 * its transports (pino-pretty in development) as worker threads from files named by path.
 */
export const UNBUNDLED_PACKAGES = ['@fastify/swagger-ui', '@fastify/static', 'pino'] as const;

function isUnbundled(specifier: string): boolean {
  if (specifier.startsWith('node:') || builtinModules.includes(specifier)) return true;
  return UNBUNDLED_PACKAGES.some((name) => specifier === name || specifier.startsWith(`${name}/`));
}

/** The first character outside ASCII in `text`, with its line, or undefined. */
export function firstNonAscii(text: string): { character: string; line: number } | undefined {
  const index = text.search(/[^\x00-\x7f]/);
  if (index < 0) return undefined;
  return { character: text[index]!, line: text.slice(0, index).split('\n').length };
}

/** Writes `entry`'s bundle from `build`'s tsc output (built first); throws if any file of it is not ASCII. */
export async function bundleEntry(build: TypeScriptBuild, entry: BundledEntry): Promise<void> {
  const outputDir = path.join(repoRoot, path.dirname(entry.output));
  fs.rmSync(outputDir, { recursive: true, force: true });
  await rolldown({
    input: { [path.basename(entry.output, '.mjs')]: path.join(repoRoot, outputOf(build, entry.source)) },
    cwd: repoRoot,
    platform: 'node',
    external: isUnbundled,
    logLevel: 'warn',
    output: { dir: outputDir, format: 'esm', entryFileNames: '[name].mjs', chunkFileNames: '[name]-[hash].mjs', charset: 'ascii', comments: false },
  });
  for (const file of fs.readdirSync(outputDir)) {
    const found = firstNonAscii(fs.readFileSync(path.join(outputDir, file), 'utf8'));
    if (found) throw new Error(`${path.relative(repoRoot, path.join(outputDir, file))}:${found.line} holds ${JSON.stringify(found.character)}, which rolldown could not escape: V8 would keep the whole bundle as two bytes per character`);
  }
}
