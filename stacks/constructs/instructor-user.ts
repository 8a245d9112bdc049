import { Construct } from "constructs";
import { IamAccessKey } from "@cdktf/provider-aws/lib/iam-access-key";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { IamUserPolicy } from "@cdktf/provider-aws/lib/iam-user-policy";

/** Properties of an {@link InstructorUser}. */
export interface InstructorUserProps {
  /** IAM user name. */
  readonly userName: string;
  /** The user's inline policy, an IAM policy JSON string. */
  readonly policy: string;
}

/**
 * An IAM user for programmatic, read-only inspection of the stack: one inline
 * policy, one access key, and no login profile (no console password).
 */
export class InstructorUser extends Construct {
  /** IAM user name. */
  readonly userName: string;
  /** Access key id. */
  readonly accessKeyId: string;
  /** Secret access key; it lands in the Terraform state, keep that private. */
  readonly secretAccessKey: string;

  constructor(scope: Construct, id: string, props: InstructorUserProps) {
    super(scope, id);

    const user = new IamUser(this, "user", {
      name: props.userName,
      // Lets `terraform destroy` remove the user even if someone added a key by hand.
      forceDestroy: true,
    });
    new IamUserPolicy(this, "policy", {
      name: "read-only-inspection",
      user: user.name,
      policy: props.policy,
    });
    const key = new IamAccessKey(this, "access-key", { user: user.name });

    this.userName = user.name;
    this.accessKeyId = key.id;
    this.secretAccessKey = key.secret;
  }
}
