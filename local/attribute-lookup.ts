import { StackModel } from "./stack-model";
import { LocalModeConfigError, Reference } from "./terraform-json";

/** The account id the emulators put into the ARNs they mint. */
export const LOCAL_ACCOUNT_ID = "000000000000";

/** Identifiers only known once the emulators have created a resource. */
export interface ProvisionedIds {
  readonly topicArns: ReadonlyMap<string, string>;
  readonly queues: ReadonlyMap<string, { url: string; arn: string }>;
}

/**
 * Answers `${type.name.attr}` references the way Terraform would after an
 * apply, with names from the stack and ARNs from the emulators. An attribute
 * it cannot know is an error naming the reference.
 */
export function createAttributeLookup(
  model: StackModel,
  ids: ProvisionedIds,
): (reference: Reference) => string {
  const account = LOCAL_ACCOUNT_ID;
  const region = model.region;
  const nameOf = (list: readonly { address: string; name: string }[], address: string) =>
    list.find((item) => item.address === address)?.name;

  return (reference) => {
    const { address, attribute } = reference;
    const type = address.slice(0, address.lastIndexOf("."));
    const value = ((): string | undefined => {
      switch (type) {
        case "aws_s3_bucket": {
          const name = nameOf(model.buckets, address);
          if (name === undefined) return undefined;
          if (attribute === "arn") return `arn:aws:s3:::${name}`;

          return attribute === "bucket" || attribute === "id" ? name : undefined;
        }
        case "aws_dynamodb_table": {
          const name = nameOf(model.tables, address);
          if (name === undefined) return undefined;
          if (attribute === "arn") return `arn:aws:dynamodb:${region}:${account}:table/${name}`;

          return attribute === "name" || attribute === "id" ? name : undefined;
        }
        case "aws_sns_topic":
          if (attribute === "arn" || attribute === "id") return ids.topicArns.get(address);

          return attribute === "name" ? nameOf(model.topics, address) : undefined;
        case "aws_sqs_queue": {
          const queue = ids.queues.get(address);
          if (attribute === "arn") return queue?.arn;
          if (attribute === "url" || attribute === "id") return queue?.url;

          return attribute === "name" ? nameOf(model.queues, address) : undefined;
        }
        case "aws_lambda_function": {
          const name = nameOf(model.functions, address);
          if (name === undefined) return undefined;
          if (attribute === "arn" || attribute === "qualified_arn") {
            return `arn:aws:lambda:${region}:${account}:function:${name}`;
          }

          return attribute === "function_name" || attribute === "id" ? name : undefined;
        }
        case "data.aws_caller_identity":
          return attribute === "account_id" ? account : undefined;
        case "data.aws_region":
          return ["name", "id", "region"].includes(attribute) ? region : undefined;
        case "data.aws_partition":
          return attribute === "partition" ? "aws" : undefined;
        default:
          return undefined;
      }
    })();
    if (value === undefined) {
      throw new LocalModeConfigError(
        `local mode cannot resolve \${${address}.${attribute}}: no such resource or attribute it knows`,
      );
    }

    return value;
  };
}
