import { Construct } from "constructs";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";

/** Properties of a {@link TopicSubscription}. */
export interface TopicSubscriptionProps {
  /** ARN of the topic. */
  readonly topicArn: string;
  /** Name of the subscribed function. */
  readonly functionName: string;
  /** ARN of the subscribed function. */
  readonly functionArn: string;
}

/**
 * Subscribes a function to a topic, with the Lambda permission that lets SNS
 * invoke it for that topic only. Without the permission the subscription is
 * confirmed but every delivery is refused and the function never runs.
 */
export class TopicSubscription extends Construct {
  /** Subscription ARN. */
  readonly subscriptionArn: string;

  constructor(scope: Construct, id: string, props: TopicSubscriptionProps) {
    super(scope, id);

    const permission = new LambdaPermission(this, "permission", {
      statementId: "AllowSnsInvokeFromEventsTopic",
      action: "lambda:InvokeFunction",
      functionName: props.functionName,
      principal: "sns.amazonaws.com",
      sourceArn: props.topicArn,
    });
    const subscription = new SnsTopicSubscription(this, "subscription", {
      topicArn: props.topicArn,
      protocol: "lambda",
      endpoint: props.functionArn,
      // Messages published between the two creations would be refused.
      dependsOn: [permission],
    });
    this.subscriptionArn = subscription.arn;
  }
}
