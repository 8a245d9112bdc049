import { StackIndex, StackResource } from "../../policy/support/stack-index";
import { synthPipeline } from "../../stacks/synth-helper";

/** The account the simulated stage is deployed in. */
export const ACCOUNT = "111122223333";

type PolicyDocument = { Version?: string; Statement: unknown[] };

/** A principal of the stage and the identity policies it carries, references resolved. */
export interface SimulatedPrincipal {
  readonly arn: string;
  readonly policies: PolicyDocument[];
}

/**
 * One synthesized stage with every reference made concrete, as AWS would see
 * it after an apply in account {@link ACCOUNT}: ARNs by construct path,
 * principals with their policies, buckets with their policies.
 */
export class StageModel {
  readonly stack: StackIndex;
  readonly region: string;
  private readonly values = new Map<string, string>();

  constructor(readonly stage: string) {
    const json = synthPipeline({ STAGE: stage });
    this.stack = new StackIndex(json);
    this.region = String(json.provider.aws[0].region);
    this.values.set("${data.aws_caller_identity.caller.account_id}", ACCOUNT);
    for (const resource of this.stack.resources) this.addAttributes(resource);
  }

  /** The ARN of the resource at a construct path, e.g. `uploads/bucket`. */
  arn(path: string): string {
    return this.attribute(this.at(path), "arn");
  }

  /** The ARN of an object in the bucket at `path`. */
  objectArn(path: string, key: string): string {
    return `${this.arn(path)}/${key}`;
  }

  /** A function's execution role, or the instructor user, with its own and its groups' policies. */
  principal(path: string): SimulatedPrincipal {
    const resource = this.at(path);
    if (resource.type === "aws_iam_user") {
      const groups = this.stack
        .referencing("aws_iam_user_group_membership", "user", resource)
        .flatMap((membership) => membership.config.groups as unknown[])
        .map((group) => this.stack.referenced(group))
        .filter((group): group is StackResource => group !== undefined);
      const policies = [
        ...this.stack.referencing("aws_iam_user_policy", "user", resource),
        ...groups.flatMap((group) =>
          this.stack.referencing("aws_iam_group_policy", "group", group),
        ),
      ];

      return {
        arn: this.attribute(resource, "arn"),
        policies: policies.map((p) => this.document(p.config.policy)),
      };
    }
    const role = this.stack.referenced(resource.config.role);
    if (!role) throw new Error(`${path} has no role reference`);
    const inline = this.stack.referencing("aws_iam_role_policy", "role", role);
    const attached = this.stack
      .referencing("aws_iam_role_policy_attachment", "role", role)
      .map((attachment) => this.stack.referenced(attachment.config.policy_arn))
      .filter((policy): policy is StackResource => policy !== undefined);

    return {
      arn: this.attribute(role, "arn"),
      policies: [...inline, ...attached].map((policy) => this.document(policy.config.policy)),
    };
  }

  /** The bucket policy of the bucket an S3 ARN names, if the stack gives it one. */
  bucketPolicy(resourceArn: string): PolicyDocument | undefined {
    const bucket = this.stack
      .ofType("aws_s3_bucket")
      .find(
        (b) =>
          resourceArn === this.attribute(b, "arn") ||
          resourceArn.startsWith(`${this.attribute(b, "arn")}/`),
      );
    const policy = bucket && this.stack.referencing("aws_s3_bucket_policy", "bucket", bucket)[0];

    return policy ? this.document(policy.config.policy) : undefined;
  }

  /** The one resource at a construct path. */
  at(path: string): StackResource {
    const found = this.stack.resources.filter((resource) => resource.path === path);
    if (found.length !== 1)
      throw new Error(`expected one resource at ${path} in ${this.stage}, found ${found.length}`);

    return found[0];
  }

  private attribute(resource: StackResource, name: string): string {
    const value = this.values.get(`\${${resource.address}.${name}}`);
    if (value === undefined) throw new Error(`no concrete ${name} for ${resource.address}`);

    return value;
  }

  /** A policy document with every `${...}` reference replaced by its concrete value. */
  private document(policy: unknown): PolicyDocument {
    const text = String(policy).replace(/\$\{[^}]+\}/g, (reference) => {
      const value = this.values.get(reference);
      if (value === undefined) throw new Error(`no concrete value for ${reference}`);

      return value;
    });
    return JSON.parse(text) as PolicyDocument;
  }

  private addAttributes(resource: StackResource): void {
    const { config } = resource;
    const name = (field: string) => this.concrete(String(config[field]));
    const scope = `${this.region}:${ACCOUNT}`;
    const set = (attributes: Record<string, string>) => {
      for (const [attribute, value] of Object.entries(attributes)) {
        this.values.set(`\${${resource.address}.${attribute}}`, value);
      }
    };
    switch (resource.type) {
      case "aws_s3_bucket":
        return set({
          arn: `arn:aws:s3:::${name("bucket")}`,
          id: name("bucket"),
          bucket: name("bucket"),
        });
      case "aws_dynamodb_table":
        return set({ arn: `arn:aws:dynamodb:${scope}:table/${name("name")}`, name: name("name") });
      case "aws_sns_topic":
        return set({
          arn: `arn:aws:sns:${scope}:${name("name")}`,
          id: `arn:aws:sns:${scope}:${name("name")}`,
        });
      case "aws_sqs_queue":
        return set({
          arn: `arn:aws:sqs:${scope}:${name("name")}`,
          url: `https://sqs.${this.region}.amazonaws.com/${ACCOUNT}/${name("name")}`,
        });
      case "aws_cloudwatch_log_group":
        return set({ arn: `arn:aws:logs:${scope}:log-group:${name("name")}`, name: name("name") });
      case "aws_lambda_function":
        return set({
          arn: `arn:aws:lambda:${scope}:function:${name("function_name")}`,
          function_name: name("function_name"),
        });
      case "aws_iam_role":
        return set({
          arn: `arn:aws:iam::${ACCOUNT}:role/${name("name")}`,
          id: name("name"),
          name: name("name"),
        });
      case "aws_iam_user":
        return set({ arn: `arn:aws:iam::${ACCOUNT}:user/${name("name")}`, name: name("name") });
      default:
        return undefined;
    }
  }

  private concrete(value: string): string {
    return value.replace("${data.aws_caller_identity.caller.account_id}", ACCOUNT);
  }
}
