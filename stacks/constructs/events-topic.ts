import { Construct } from "constructs";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";

/** Properties of an {@link EventsTopic}. */
export interface EventsTopicProps {
  /** Topic name. */
  readonly topicName: string;
}

/**
 * The topic that carries one message per finished job. Encrypted at rest with
 * the AWS managed SNS key, whose key policy lets publishers in the account use
 * it through SNS without a KMS statement in their role.
 */
export class EventsTopic extends Construct {
  /** Topic name. */
  readonly topicName: string;
  /** Topic ARN (EVENTS_TOPIC_ARN of the processor). */
  readonly topicArn: string;

  constructor(scope: Construct, id: string, props: EventsTopicProps) {
    super(scope, id);

    const topic = new SnsTopic(this, "topic", {
      name: props.topicName,
      kmsMasterKeyId: "alias/aws/sns",
    });
    this.topicName = topic.name;
    this.topicArn = topic.arn;
  }
}
