import { INSTRUCTOR_OUTPUTS, OUTPUT_NAMES, type OutputName } from "../../stacks/output-names";

/** Raised when stack outputs cannot be turned into data.json. */
export class DataJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataJsonError";
  }
}

/** The content of data.json: every stack output, by its exact name. */
export type DataJson = Record<OutputName, string>;

/** Where the outputs came from, for error messages. */
export type OutputsSource = "terraform" | "cdktf";

/**
 * Reads the outputs of one stack from either `terraform output -json`
 * (`{ name: { value, sensitive, type } }`) or a cdktf outputs file
 * (`{ <stack>: { name: value } }`, written by `cdktf deploy --outputs-file`),
 * and checks that all ten are there as strings.
 *
 * @throws DataJsonError naming the missing or malformed outputs and how to get them
 */
export function dataJsonFromOutputs(
  document: unknown,
  stackName: string
): { data: DataJson; source: OutputsSource } {
  if (!isRecord(document)) throw new DataJsonError("the outputs are not a JSON object");

  let source: OutputsSource;
  let values: Record<string, unknown>;
  const nested = document[stackName];
  if (isRecord(nested)) {
    source = "cdktf";
    values = nested;
  } else if (Object.values(document).some((entry) => isRecord(entry) && "value" in entry)) {
    source = "terraform";
    values = Object.fromEntries(
      Object.entries(document).map(([name, entry]) => [
        name,
        isRecord(entry) ? entry.value : undefined,
      ])
    );
  } else {
    const keys = Object.keys(document).join(", ") || "none";
    throw new DataJsonError(
      `found neither outputs of stack "${stackName}" (cdktf outputs file) nor terraform output -json entries; top-level keys: ${keys}`
    );
  }

  const missing = OUTPUT_NAMES.filter(
    (name) => values[name] === undefined || values[name] === null
  );
  if (missing.length > 0) {
    const hint =
      source === "cdktf" && missing.includes("instructor_secret_access_key")
        ? "; cdktf leaves sensitive outputs out unless deploy runs with --outputs-file-include-sensitive-outputs"
        : "; was the stack deployed completely with this version of the code?";
    throw new DataJsonError(`missing outputs: ${missing.join(", ")}${hint}`);
  }
  const notStrings = OUTPUT_NAMES.filter((name) => typeof values[name] !== "string");
  if (notStrings.length > 0)
    throw new DataJsonError(`outputs that are not strings: ${notStrings.join(", ")}`);
  const empty = OUTPUT_NAMES.filter(
    (name) => values[name] === "" && !INSTRUCTOR_OUTPUTS.includes(name)
  );
  if (empty.length > 0) throw new DataJsonError(`outputs that are empty: ${empty.join(", ")}`);
  const instructorSet = INSTRUCTOR_OUTPUTS.filter((name) => values[name] !== "");
  if (instructorSet.length !== 0 && instructorSet.length !== INSTRUCTOR_OUTPUTS.length) {
    const blank = INSTRUCTOR_OUTPUTS.filter((name) => values[name] === "");
    throw new DataJsonError(`instructor outputs are partly empty: ${blank.join(", ")}`);
  }

  const data = Object.fromEntries(
    OUTPUT_NAMES.map((name) => [name, values[name] as string])
  ) as DataJson;

  return { data, source };
}

/** data.json as written: two-space JSON, keys in output order, final newline. */
export function renderDataJson(data: DataJson): string {
  return `${JSON.stringify(data, OUTPUT_NAMES as unknown as string[], 2)}\n`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
