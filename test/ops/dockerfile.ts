import { readFileSync } from 'node:fs';

export interface Instruction {
  readonly keyword: string;
  /** The arguments as written (continuation lines joined). */
  readonly args: string;
  readonly line: number;
}

export interface Stage {
  readonly name: string;
  /** The image or earlier stage it starts from. */
  readonly from: string;
  readonly instructions: Instruction[];
}

/** A Dockerfile's stages (comments and line continuations handled; global ARGs kept apart). */
export function parseDockerfile(path: string): { globalArgs: Record<string, string>; stages: Stage[] } {
  const lines = readFileSync(path, 'utf8').split('\n');
  const instructions: Instruction[] = [];
  let pending = '';
  let start = 0;
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) return;
    if (pending === '') start = index + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const text = `${pending}${line}`.trim();
    pending = '';
    const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(text)!;
    instructions.push({ keyword: keyword.toUpperCase(), args, line: start });
  });
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [from, as, name] = instruction.args.split(/\s+/);
      stages.push({ name: as?.toUpperCase() === 'AS' ? name : String(stages.length), from, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG') throw new Error(`${path}:${instruction.line}: ${instruction.keyword} before FROM`);
      const [name, value = ''] = instruction.args.split('=');
      globalArgs[name] = value;
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

/** A stage and the stages it is built on, base first. */
export function stageChain(stages: Stage[], name: string): Stage[] {
  const stage = stages.find((s) => s.name === name);
  if (!stage) return [];
  return [...stageChain(stages, stage.from), stage];
}

/** The last value of an instruction along a stage chain (USER, CMD, HEALTHCHECK…), as later stages override earlier ones. */
export function effective(chain: Stage[], keyword: string): string | undefined {
  return chain.flatMap((s) => s.instructions).filter((i) => i.keyword === keyword).at(-1)?.args;
}

/** `ENV A=1 B=2` along a chain. */
export function effectiveEnv(chain: Stage[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of chain.flatMap((s) => s.instructions).filter((x) => x.keyword === 'ENV')) {
    for (const [, key, value] of i.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g)) env[key] = value.replace(/^"|"$/g, '');
  }
  return env;
}

/** The JSON (exec) form of CMD / ENTRYPOINT / HEALTHCHECK CMD; undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  const json = args.slice(args.indexOf('['));
  try {
    const parsed = JSON.parse(json);
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
