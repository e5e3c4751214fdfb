import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { env } from '@chucar/platform';
import { envExamplePath, renderEnvExample, specGroups } from './env-example.ts';

const committed = fs.readFileSync(envExamplePath, 'utf8');

function assignedNames(text: string): string[] {
  return [...text.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map(([, name]) => name!);
}

describe('.env.example', () => {
  it('is what the env specs generate (run npm run env:example)', () => {
    expect(committed).toBe(renderEnvExample());
  });

  it.each(specGroups.map((group) => [group.name, group.spec] as const))('lists every variable of %s', (_name, spec) => {
    const listed = new Set(assignedNames(committed));
    expect(Object.keys(spec).filter((variable) => !listed.has(variable))).toEqual([]);
  });

  it('lists each variable once, with its default', () => {
    const names = assignedNames(committed);
    expect(names.length).toBe(new Set(names).size);
    expect(committed).toMatch(/^DB_PRIMARY_PORT=3307$/m);
    expect(committed).toMatch(/^CORS_ORIGINS=http:\/\/localhost:8080,http:\/\/127\.0\.0\.1:8080$/m);
  });

  it('refuses specs that disagree on a shared default', () => {
    const port = (value: number) => ({ DB_PRIMARY_PORT: env.port({ description: 'primary port', default: value }) });
    const groups = [
      { name: 'one', title: 'one', spec: port(3307) },
      { name: 'two', title: 'two', spec: port(3306) },
    ];
    expect(() => renderEnvExample(groups)).toThrow(/DB_PRIMARY_PORT has different defaults in one, two/);
  });

  it('marks secrets as local-stack values and required variables as such', () => {
    const text = renderEnvExample([
      {
        name: 'demo',
        title: 'demo',
        spec: {
          API_TOKEN: env.string({ description: 'Token', default: 'local-token', secret: true }),
          CALLBACK_URL: env.url({ description: 'Where to call back' }),
        },
      },
    ]);
    expect(text).toContain('# Secret: this default is for the local stack only; set your own anywhere else.\nAPI_TOKEN=local-token');
    expect(text).toContain('# Required: no default.\nCALLBACK_URL=\n');
  });
});
