/** What an app's entry point can do: `serve` (the default), or a one-shot task such as `migrate`. */
export type AppCommands = { readonly serve: () => Promise<void> } & Readonly<Record<string, () => Promise<unknown>>>;

/**
 * Runs the command named by the first argument (`node dist/apps/<app>/main.js [command]`): `serve`
 * keeps the process up; a one-shot task prints its result as one JSON line and exits 0, or prints
 * `{ "error": … }` on stderr and exits 1; an unknown command exits 2 with the list of commands.
 */
export async function runAppCommand(app: string, argv: readonly string[], commands: AppCommands): Promise<void> {
  const name = argv[0] ?? 'serve';
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(`${JSON.stringify({ error: { code: 'command_unknown', message: `${app}: unknown command "${name}"; commands: ${Object.keys(commands).join(', ')}` } })}\n`);
    process.exit(2);
  }
  if (name === 'serve') return commands.serve();
  try {
    const result = await command();
    process.stdout.write(`${JSON.stringify({ app, command: name, result: result ?? null })}\n`);
    process.exit(0);
  } catch (error) {
    process.stderr.write(`${JSON.stringify({ error: { code: `${name}_failed`, message: (error as Error).message } })}\n`);
    process.exit(1);
  }
}
