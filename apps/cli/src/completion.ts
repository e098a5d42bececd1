import type { CommandGroup, Subcommand } from './commands/command.js';

export const SHELLS = ['bash', 'zsh'] as const;
export type Shell = (typeof SHELLS)[number];

/** The words completed after `tributary`: the command groups and the top-level commands and flags. */
const TOP_LEVEL = ['help', 'completion', '--help', '--version', '-V'];

/** Every flag a subcommand takes: its own options (long and short), `-o/--output` and `-h/--help`. */
export function flagsOf(subcommand: Subcommand): string[] {
  const own = Object.entries(subcommand.options).flatMap(([name, option]) => [`--${name}`, ...(option.short ? [`-${option.short}`] : [])]);
  const output = 'output' in subcommand.options ? ['-o'] : ['-o', '--output'];
  return [...new Set([...own, ...output, '--help', '-h'])];
}

/** A completion script for `shell`, generated from the command table (commands, subcommands, their flags). */
export function completionScript(shell: Shell, groups: readonly CommandGroup[], topLevel: Readonly<Record<string, Subcommand>> = {}): string {
  return shell === 'bash' ? bashScript(groups, topLevel) : zshScript(groups, topLevel);
}

const words = (list: readonly string[]) => list.join(' ');

function bashScript(groups: readonly CommandGroup[], topLevel: Readonly<Record<string, Subcommand>>): string {
  const topFlags = Object.entries(topLevel).map(([name, c]) => `    ${name}) COMPREPLY=($(compgen -W "${words(flagsOf(c))}" -- "$cur")); return 0 ;;`);
  const subcommands = groups.map((g) => `    ${g.name}) COMPREPLY=($(compgen -W "${words([...Object.keys(g.subcommands), 'help'])}" -- "$cur")) ;;`);
  const flags = groups.flatMap((g) => Object.entries(g.subcommands).map(([name, c]) => `    "${g.name} ${name}") COMPREPLY=($(compgen -W "${words(flagsOf(c))}" -- "$cur")) ;;`));
  return [
    '# tributary bash completion: source it, e.g. `source <(tributary completion bash)` in ~/.bashrc',
    '_tributary() {',
    '  local cur="${COMP_WORDS[COMP_CWORD]}"',
    '  COMPREPLY=()',
    '  if [ "$COMP_CWORD" -eq 1 ]; then',
    `    COMPREPLY=($(compgen -W "${words([...groups.map((g) => g.name), ...Object.keys(topLevel), ...TOP_LEVEL])}" -- "$cur"))`,
    '    return 0',
    '  fi',
    '  if [ "$COMP_CWORD" -eq 2 ]; then',
    '    case "${COMP_WORDS[1]}" in',
    ...subcommands,
    ...topFlags,
    `    completion) COMPREPLY=($(compgen -W "bash zsh" -- "$cur")) ;;`,
    '    esac',
    '    return 0',
    '  fi',
    '  case "${COMP_WORDS[COMP_CWORD-1]}" in',
    '    -o|--output) if [ "${COMP_WORDS[1]} ${COMP_WORDS[2]}" != "settle ack" ] || [ "${COMP_WORDS[COMP_CWORD-1]}" = "-o" ]; then COMPREPLY=($(compgen -W "json table yaml" -- "$cur")); return 0; fi ;;',
    '  esac',
    '  case "${COMP_WORDS[1]}" in',
    ...topFlags,
    '  esac',
    '  case "${COMP_WORDS[1]} ${COMP_WORDS[2]}" in',
    ...flags,
    '  esac',
    '  return 0',
    '}',
    'complete -o default -F _tributary tributary',
    '',
  ].join('\n');
}

function zshScript(groups: readonly CommandGroup[], topLevel: Readonly<Record<string, Subcommand>>): string {
  const topFlags = Object.entries(topLevel).map(([name, c]) => `      ${name}) compadd -- ${words(flagsOf(c))} ;;`);
  const subcommands = groups.map((g) => `      ${g.name}) compadd -- ${words([...Object.keys(g.subcommands), 'help'])} ;;`);
  const flags = groups.flatMap((g) => Object.entries(g.subcommands).map(([name, c]) => `      "${g.name} ${name}") compadd -- ${words(flagsOf(c))} ;;`));
  return [
    '#compdef tributary',
    '# tributary zsh completion: `source <(tributary completion zsh)` in ~/.zshrc (after compinit),',
    '# or save it as _tributary in a directory of $fpath',
    '_tributary() {',
    '  case $CURRENT in',
    `    2) compadd -- ${words([...groups.map((g) => g.name), ...Object.keys(topLevel), ...TOP_LEVEL])} ;;`,
    '    3)',
    '      case $words[2] in',
    ...subcommands,
    ...topFlags,
    '      completion) compadd -- bash zsh ;;',
    '      esac ;;',
    '    *)',
    '      if [[ $words[CURRENT-1] == -o || ( $words[CURRENT-1] == --output && "$words[2] $words[3]" != "settle ack" ) ]]; then',
    '        compadd -- json table yaml',
    '        return',
    '      fi',
    '      case $words[2] in',
    ...topFlags.map((line) => line.replace(' ;;', '; return ;;')),
    '      esac',
    '      case "$words[2] $words[3]" in',
    ...flags,
    '      esac ;;',
    '  esac',
    '}',
    'if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _tributary "$@"; else compdef _tributary tributary; fi',
    '',
  ].join('\n');
}
