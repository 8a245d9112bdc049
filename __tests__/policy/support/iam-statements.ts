/** One statement of an IAM policy document, its lists always lists. */
export interface Statement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: readonly string[];
  readonly NotAction: readonly string[];
  readonly Resource: readonly string[];
  readonly NotResource: readonly string[];
  readonly Principal?: unknown;
  readonly Condition?: Record<string, unknown>;
}

function list(value: unknown): string[] {
  if (value === undefined) return [];

  return (Array.isArray(value) ? value : [value]).map(String);
}

/** Parses a policy document (JSON text, as Terraform holds it) into normalized statements. */
export function statementsOf(document: unknown): Statement[] {
  const parsed = (typeof document === "string" ? JSON.parse(document) : document) as {
    Statement?: unknown;
  };
  const raw = Array.isArray(parsed?.Statement) ? parsed.Statement : [parsed?.Statement];

  return raw
    .filter((s): s is Record<string, unknown> => typeof s === "object" && s !== null)
    .map((s) => ({
      Sid: typeof s.Sid === "string" ? s.Sid : undefined,
      Effect: s.Effect === "Deny" ? "Deny" : "Allow",
      Action: list(s.Action),
      NotAction: list(s.NotAction),
      Resource: list(s.Resource),
      NotResource: list(s.NotResource),
      Principal: s.Principal,
      Condition: s.Condition as Record<string, unknown> | undefined,
    }));
}

/** Whether an IAM action pattern (`s3:Get*`, `*`) covers an action, ignoring case as IAM does. */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );

  return regex.test(action);
}

/** The Allow statements' actions that cover any of `actions`. */
export function allowedAmong(
  statements: readonly Statement[],
  actions: readonly string[],
): string[] {
  return actions.filter((action) =>
    statements.some(
      (s) =>
        s.Effect === "Allow" &&
        (s.Action.some((pattern) => actionMatches(pattern, action)) ||
          (s.NotAction.length > 0 &&
            !s.NotAction.some((pattern) => actionMatches(pattern, action)))),
    ),
  );
}

/** Whether a principal is everyone: `*`, or `{"AWS": "*"}`. */
export function isPublicPrincipal(principal: unknown): boolean {
  if (principal === "*") return true;
  if (typeof principal !== "object" || principal === null) return false;

  return list((principal as Record<string, unknown>).AWS).includes("*");
}
