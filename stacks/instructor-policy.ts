import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PolicyTemplateError } from "./errors";

/**
 * Placeholders the instructor policy template (`instructor_policy.json` at the
 * repository root) may use in any string, written `${name}`. Synthesis
 * replaces each with the Terraform reference to the real value:
 *
 * - `${uploads_bucket_arn}`, `${thumbnails_bucket_arn}`, `${analytics_bucket_arn}`: bucket ARNs
 *   (append `/*` for their objects)
 * - `${jobs_table_arn}`: the DynamoDB job table
 * - `${sns_topic_arn}`: the events topic
 * - `${image_processor_function_arn}`, `${analytics_logger_function_arn}`: the functions
 * - `${image_processor_log_group_arn}`, `${analytics_logger_log_group_arn}`: their log groups
 *   (append `:*` for their log streams)
 * - `${stack_name}`, `${region}`, `${account_id}`
 *
 * IAM policy variables such as `${aws:username}` (a name with a colon) are kept
 * for IAM, escaped as `$${...}` so that Terraform passes them through. Any other
 * `${...}` is an error, since Terraform would read it as an expression.
 */
export const INSTRUCTOR_POLICY_PLACEHOLDERS = [
  "uploads_bucket_arn",
  "thumbnails_bucket_arn",
  "analytics_bucket_arn",
  "jobs_table_arn",
  "sns_topic_arn",
  "image_processor_function_arn",
  "analytics_logger_function_arn",
  "image_processor_log_group_arn",
  "analytics_logger_log_group_arn",
  "stack_name",
  "region",
  "account_id",
] as const;

/** One of {@link INSTRUCTOR_POLICY_PLACEHOLDERS}. */
export type InstructorPolicyPlaceholder = (typeof INSTRUCTOR_POLICY_PLACEHOLDERS)[number];

/** Path of the template in this repository. */
export const INSTRUCTOR_POLICY_FILE = join(__dirname, "..", "instructor_policy.json");

/** Verbs an Allow statement of the instructor policy may use: it inspects, never changes. */
const READ_ONLY_ACTION = /^[a-z0-9-]+:(Get|List|Describe|Scan|Query|Filter)[A-Za-z]*$/;
const PLACEHOLDER = /\$\{([^}]*)\}/g;

/**
 * Reads the template, checks it is a read-only IAM policy using only known
 * placeholders, and returns the policy JSON with the placeholders replaced.
 *
 * @param values replacement for every placeholder (Terraform references as CDKTF tokens)
 * @param file template path, the repository's `instructor_policy.json` by default
 * @throws PolicyTemplateError saying what is wrong and where
 */
export function renderInstructorPolicy(
  values: Readonly<Record<InstructorPolicyPlaceholder, string>>,
  file: string = INSTRUCTOR_POLICY_FILE
): string {
  let template: unknown;
  try {
    template = JSON.parse(readFileSync(file, "utf8"));
  } catch (cause) {
    throw new PolicyTemplateError(`cannot read the instructor policy ${file} as JSON`, { cause });
  }
  checkReadOnly(template, file);

  const substitute = (node: unknown): unknown => {
    if (typeof node === "string") {
      if (node.replace(PLACEHOLDER, "").includes("${")) {
        throw new PolicyTemplateError(`${file}: "${node}" holds a \${ without its closing brace`);
      }

      return node.replace(PLACEHOLDER, (_match, name: string) => {
        if (name.includes(":")) return `$\${${name}}`;
        if (!(INSTRUCTOR_POLICY_PLACEHOLDERS as readonly string[]).includes(name)) {
          throw new PolicyTemplateError(
            `${file}: unknown placeholder \${${name}}; use one of ${INSTRUCTOR_POLICY_PLACEHOLDERS.join(
              ", "
            )}`
          );
        }

        return values[name as InstructorPolicyPlaceholder];
      });
    }
    if (Array.isArray(node)) return node.map(substitute);
    if (node !== null && typeof node === "object") {
      return Object.fromEntries(
        Object.entries(node).map(([key, value]) => [key, substitute(value)])
      );
    }

    return node;
  };

  return JSON.stringify(substitute(template));
}

function checkReadOnly(template: unknown, file: string): void {
  const statements = (template as { Statement?: unknown } | null)?.Statement;
  if (
    (template as { Version?: unknown } | null)?.Version !== "2012-10-17" ||
    !Array.isArray(statements)
  ) {
    throw new PolicyTemplateError(
      `${file}: expected an IAM policy with Version "2012-10-17" and a Statement list`
    );
  }
  for (const [index, statement] of statements.entries()) {
    const { Effect, Action } = statement as { Effect?: unknown; Action?: unknown };
    if (Effect !== "Allow") continue;
    const actions = Array.isArray(Action) ? Action : [Action];
    for (const action of actions) {
      if (typeof action !== "string" || !READ_ONLY_ACTION.test(action)) {
        throw new PolicyTemplateError(
          `${file}: statement ${index} allows "${String(action)}"; the instructor may only use ` +
            "explicit Get*, List*, Describe*, Scan, Query and Filter* actions"
        );
      }
    }
  }
}
