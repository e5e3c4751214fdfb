/**
 * Reads a Dockerfile into its build stages for the checks in image.test.ts: comments and parser
 * directives dropped, backslash continuations joined, each instruction with its arguments.
 */
import fs from 'node:fs';

export interface Instruction {
  keyword: string;
  /** The rest of the line, continuations joined with a space. */
  args: string;
}

export interface Stage {
  /** `FROM <image> AS <name>`: the name, or the stage's index when it has none. */
  name: string;
  image: string;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const logicalLines: string[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line)) continue;
    const continued = /\\\s*$/.test(line);
    pending += `${line.replace(/\\\s*$/, '').trim()} `;
    if (continued) continue;
    if (pending.trim() !== '') logicalLines.push(pending.trim().replace(/\s+/g, ' '));
    pending = '';
  }
  if (pending.trim() !== '') logicalLines.push(pending.trim());

  const stages: Stage[] = [];
  for (const line of logicalLines) {
    const [keyword = '', ...rest] = line.split(' ');
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    if (instruction.keyword === 'FROM') {
      const from = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      if (!from) throw new Error(`unreadable FROM ${instruction.args}`);
      stages.push({ name: from[2] ?? String(stages.length), image: from[1]!, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`${instruction.keyword} before the first FROM`);
    stage.instructions.push(instruction);
  }
  return stages;
}

export function readDockerfile(file: string): Stage[] {
  return parseDockerfile(fs.readFileSync(file, 'utf8'));
}

/** The exec form of CMD or ENTRYPOINT (`["node", "main.js"]`); the shell form is refused, as it hides signals from node. */
export function execFormOf(instruction: Instruction): string[] {
  const parsed = JSON.parse(instruction.args) as unknown;
  if (!Array.isArray(parsed) || !parsed.every((word) => typeof word === 'string')) throw new Error(`${instruction.keyword} is not in exec form: ${instruction.args}`);
  return parsed;
}

export interface Copy {
  /** The stage copied from (`--from=`), or undefined for the build context. */
  from: string | undefined;
  sources: string[];
  destination: string;
}

export function copiesOf(stage: Stage): Copy[] {
  return stage.instructions
    .filter((instruction) => instruction.keyword === 'COPY')
    .map((instruction) => {
      const words = instruction.args.split(' ');
      const from = words.find((word) => word.startsWith('--from='))?.slice('--from='.length);
      const paths = words.filter((word) => !word.startsWith('--'));
      return { from, sources: paths.slice(0, -1), destination: paths.at(-1)! };
    });
}
