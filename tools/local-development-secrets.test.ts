/**
 * The local stack's credentials are written once, in libs/platform's local-development-secrets.ts:
 * a copy elsewhere (an app's config default, a test's S3 client, a stack script) would drift from
 * it, and would escape the production check that refuses the development signing secrets.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { localDevelopmentSecrets } from '@chucar/platform';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const definition = 'libs/platform/src/config/local-development-secrets.ts';

function sourceFiles(): string[] {
  return fs.globSync('{apps,libs,tools,bench,deploy}/**/*.{ts,tsx,mts,mjs,js}', { cwd: repoRoot, exclude: (name) => /(^|[/\\])(node_modules|dist)$/.test(name) });
}

describe('local development secrets', () => {
  it('the source files are found, the definition among them', () => {
    const files = sourceFiles();
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain(definition);
  });

  it('appear in no source file but their definition', () => {
    const copies: string[] = [];
    for (const file of sourceFiles()) {
      if (file === definition) continue;
      const text = fs.readFileSync(path.join(repoRoot, file), 'utf8');
      for (const [name, value] of Object.entries(localDevelopmentSecrets)) {
        if (text.includes(value)) copies.push(`${file} holds ${name} (${value}): import localDevelopmentSecrets from @chucar/platform instead`);
      }
    }
    expect(copies).toEqual([]);
  });
});
