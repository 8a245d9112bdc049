/**
 * Turns a synthesized stack (`cdk.tf.json`) into a Mermaid flowchart: the
 * buckets, functions, table, topic and queues, and the edges the JSON
 * declares between them: S3 notifications, SNS subscriptions, references in
 * function environments, on-failure destinations and server access logging.
 * Roles, policies, log groups, permissions and the instructor user are left
 * out: they are not part of the data flow.
 */

/** The parts of a cdk.tf.json the diagram reads. */
export interface StackDocument {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
}

interface DiagramNode {
  readonly id: string;
  readonly shape: (label: string) => string;
  readonly label: string;
  readonly order: number;
}

interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
  readonly dotted: boolean;
  readonly order: number;
}

const GENERIC_LEAVES = new Set(["bucket", "function", "table", "topic"]);
const REFERENCE = /\$\{(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[a-z_]+\}/g;

/** Node kinds, in the order they are declared (which steers Mermaid's layout). */
const KINDS: Record<string, { order: number; shape: (label: string) => string }> = {
  aws_s3_bucket: { order: 0, shape: (label) => `[("${label}")]` },
  aws_lambda_function: { order: 1, shape: (label) => `["${label}"]` },
  aws_dynamodb_table: { order: 2, shape: (label) => `[("${label}")]` },
  aws_sns_topic: { order: 3, shape: (label) => `{{"${label}"}}` },
  aws_sqs_queue: { order: 4, shape: (label) => `[["${label}"]]` },
};

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function list(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.map(record);

  return value === undefined ? [] : [record(value)];
}

/** Resource addresses (`type.name`) referenced anywhere in a value. */
export function referencedAddresses(value: unknown): string[] {
  const text = typeof value === "string" ? value : JSON.stringify(value ?? "");

  return [...text.matchAll(REFERENCE)].map(([, type, name]) => `${type}.${name}`);
}

/** Short name of a resource from its construct path, without the stack and generic leaves. */
export function shortName(block: Record<string, unknown>, fallback: string): string {
  const path = String(record(record(block["//"]).metadata).path ?? "");
  const segments = path.split("/").slice(1);
  if (segments.length === 0) return fallback;
  if (segments.length > 1 && GENERIC_LEAVES.has(segments[segments.length - 1])) segments.pop();

  return segments.join(" ");
}

function escapeLabel(text: string): string {
  return text.replace(/"/g, "#quot;");
}

const RESERVED_IDS = new Set(["end", "graph", "subgraph", "flowchart", "style", "class", "click"]);

function mermaidId(name: string): string {
  const id = name.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_|_$/g, "");

  // Mermaid reads these words as keywords, which ends the chart early.
  return RESERVED_IDS.has(id.toLowerCase()) ? `${id}_node` : id;
}

function bucketTraits(
  resources: Record<string, Record<string, Record<string, unknown>>>,
  address: string
): string[] {
  const targets = (type: string) =>
    Object.values(resources[type] ?? {}).filter((block) =>
      referencedAddresses(block.bucket).includes(address)
    );
  const versioned = targets("aws_s3_bucket_versioning").some(
    (block) => record(block.versioning_configuration).status === "Enabled"
  );
  const publicRead = targets("aws_s3_bucket_policy").some((block) => {
    const policy = JSON.parse(String(block.policy ?? "{}")) as { Statement?: unknown[] };

    return (policy.Statement ?? [])
      .map(record)
      .some((s) => s.Effect === "Allow" && s.Principal === "*");
  });

  return [publicRead ? "public read" : "private", ...(versioned ? ["versioned"] : [])];
}

function nodesOf(document: StackDocument): Map<string, DiagramNode> {
  const resources = document.resource ?? {};
  const nodes = new Map<string, DiagramNode>();
  for (const [type, kind] of Object.entries(KINDS)) {
    for (const [name, block] of Object.entries(resources[type] ?? {})) {
      const address = `${type}.${name}`;
      const short = shortName(block, name);
      let label: string;
      if (type === "aws_s3_bucket") {
        label = `S3 ${short}<br/>${bucketTraits(resources, address).join(", ")}`;
      } else if (type === "aws_lambda_function") {
        const architectures = Array.isArray(block.architectures)
          ? block.architectures.join(" ")
          : "";
        label = `λ ${short}<br/>${String(block.runtime ?? "")} ${architectures}`.trim();
      } else if (type === "aws_dynamodb_table") {
        label = `DynamoDB ${short}<br/>key ${String(block.hash_key ?? "?")}`;
      } else if (type === "aws_sns_topic") {
        label = `SNS ${short}`;
      } else {
        label = `SQS ${short}`;
      }
      nodes.set(address, {
        id: mermaidId(short),
        shape: kind.shape,
        label: escapeLabel(label),
        order: kind.order,
      });
    }
  }

  return nodes;
}

function edgesOf(document: StackDocument, nodes: Map<string, DiagramNode>): DiagramEdge[] {
  const resources = document.resource ?? {};
  const edges: DiagramEdge[] = [];
  const add = (
    from: string | undefined,
    to: string | undefined,
    label: string,
    dotted: boolean,
    order: number
  ) => {
    if (from && to && nodes.has(from) && nodes.has(to))
      edges.push({ from, to, label, dotted, order });
  };

  for (const block of Object.values(resources.aws_s3_bucket_notification ?? {})) {
    const [bucket] = referencedAddresses(block.bucket);
    for (const target of list(block.lambda_function)) {
      const events = Array.isArray(target.events) ? target.events.join(", ") : "";
      add(bucket, referencedAddresses(target.lambda_function_arn)[0], events, false, 0);
    }
  }
  for (const [name, block] of Object.entries(resources.aws_lambda_function ?? {})) {
    const variables = record(record(block.environment).variables);
    const byTarget = new Map<string, string[]>();
    for (const [variable, value] of Object.entries(variables)) {
      for (const target of referencedAddresses(value)) {
        byTarget.set(target, [...(byTarget.get(target) ?? []), variable]);
      }
    }
    for (const [target, variables] of byTarget) {
      add(`aws_lambda_function.${name}`, target, variables.sort().join(", "), false, 1);
    }
  }
  for (const block of Object.values(resources.aws_sns_topic_subscription ?? {})) {
    add(
      referencedAddresses(block.topic_arn)[0],
      referencedAddresses(block.endpoint)[0],
      `${String(block.protocol)} subscription`,
      false,
      2
    );
  }
  for (const block of Object.values(resources.aws_lambda_function_event_invoke_config ?? {})) {
    const onFailure = record(record(block.destination_config).on_failure);
    const retries = block.maximum_retry_attempts;
    const label =
      retries === undefined
        ? "on failure"
        : `on failure after ${String(retries)} ${retries === 1 ? "retry" : "retries"}`;
    add(
      referencedAddresses(block.function_name)[0],
      referencedAddresses(onFailure.destination)[0],
      label,
      true,
      3
    );
  }
  for (const block of Object.values(resources.aws_s3_bucket_logging ?? {})) {
    add(
      referencedAddresses(block.bucket)[0],
      referencedAddresses(block.target_bucket)[0],
      "access logs",
      true,
      4
    );
  }

  return edges;
}

/**
 * Renders the Mermaid flowchart of a synthesized stack. The output is
 * deterministic: nodes in kind then name order, edges in kind then
 * declaration order.
 */
export function renderMermaid(document: StackDocument): string {
  const nodes = nodesOf(document);
  const edges = edgesOf(document, nodes);
  const triggered = new Set(edges.filter((edge) => edge.order === 0).map((edge) => edge.from));
  const sortedNodes = [...nodes.values()].sort(
    (a, b) => a.order - b.order || a.id.localeCompare(b.id)
  );
  const id = (address: string) => nodes.get(address)!.id;

  const lines = ["flowchart LR"];
  if (triggered.size > 0) lines.push("  client([client])");
  for (const node of sortedNodes) lines.push(`  ${node.id}${node.shape(node.label)}`);
  for (const address of [...triggered].sort())
    lines.push(`  client -- "put object" --> ${id(address)}`);
  for (const edge of [...edges].sort((a, b) => a.order - b.order)) {
    const label = escapeLabel(edge.label);
    lines.push(
      edge.dotted
        ? `  ${id(edge.from)} -. "${label}" .-> ${id(edge.to)}`
        : `  ${id(edge.from)} -- "${label}" --> ${id(edge.to)}`
    );
  }

  return `${lines.join("\n")}\n`;
}
