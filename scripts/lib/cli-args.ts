/** Raised for a command line the script does not understand. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Kind of each accepted flag: `value` takes the next word (or `=value`), `switch` takes none. */
export type FlagSpec = Readonly<Record<string, "value" | "switch">>;

/**
 * Parses `--name value`, `--name=value` and `--switch` flags.
 *
 * @returns the value of each flag seen (`"true"` for switches)
 * @throws UsageError for an unknown flag, a missing value or a bare argument
 */
export function parseFlags(argv: readonly string[], spec: FlagSpec): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const match = /^--([a-z][a-z-]*)(?:=(.*))?$/.exec(arg);
    const kind = match ? spec[match[1]] : undefined;
    if (!match || kind === undefined) {
      const known = Object.keys(spec)
        .map((name) => `--${name}`)
        .join(", ");
      throw new UsageError(`unknown argument "${arg}"; accepted: ${known}`);
    }
    const [, name, inline] = match;
    if (kind === "switch") {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      flags[name] = "true";
      continue;
    }
    const value = inline ?? argv[i + 1];
    if (value === undefined || (inline === undefined && value.startsWith("--"))) {
      throw new UsageError(`--${name} needs a value`);
    }
    if (inline === undefined) i += 1;
    flags[name] = value;
  }

  return flags;
}

/**
 * Runs a script body, turning expected errors (those whose class is listed)
 * into a one-line message on stderr and exit code 2; anything else keeps its
 * stack trace.
 */
export function runCli(
  main: () => Promise<void> | void,
  expected: readonly (new (...args: never[]) => Error)[]
): void {
  Promise.resolve()
    .then(main)
    .catch((error: unknown) => {
      if (error instanceof Error && expected.some((kind) => error instanceof kind)) {
        process.stderr.write(`error: ${error.message}\n`);
        process.exitCode = 2;

        return;
      }
      throw error;
    });
}
