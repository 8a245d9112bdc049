import { Construct } from "constructs";
import { IamAccessKey } from "@cdktf/provider-aws/lib/iam-access-key";
import { IamGroup } from "@cdktf/provider-aws/lib/iam-group";
import { IamGroupPolicy } from "@cdktf/provider-aws/lib/iam-group-policy";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { IamUserGroupMembership } from "@cdktf/provider-aws/lib/iam-user-group-membership";

/** Properties of an {@link InstructorUser}. */
export interface InstructorUserProps {
  /** IAM user name. */
  readonly userName: string;
  /** Name of the IAM group that holds the policy; the user is its member. */
  readonly groupName: string;
  /** The group's inline policy, an IAM policy JSON string. */
  readonly policy: string;
}

/**
 * An IAM user for programmatic, read-only inspection of the stack: a member
 * of one group that holds the read-only policy (no policy on the user
 * itself), one access key, and no login profile (no console password).
 */
export class InstructorUser extends Construct {
  /** IAM user name. */
  readonly userName: string;
  /** Name of the group whose policy the user gets. */
  readonly groupName: string;
  /** Access key id. */
  readonly accessKeyId: string;
  /** Secret access key; it lands in the Terraform state, keep that private. */
  readonly secretAccessKey: string;

  constructor(scope: Construct, id: string, props: InstructorUserProps) {
    super(scope, id);

    const group = new IamGroup(this, "group", { name: props.groupName });
    new IamGroupPolicy(this, "policy", {
      name: "read-only-inspection",
      group: group.name,
      policy: props.policy,
    });
    const user = new IamUser(this, "user", {
      name: props.userName,
      // Lets `terraform destroy` remove the user even if someone added a key by hand.
      forceDestroy: true,
    });
    new IamUserGroupMembership(this, "membership", {
      user: user.name,
      groups: [group.name],
    });
    const key = new IamAccessKey(this, "access-key", { user: user.name });

    this.userName = user.name;
    this.groupName = group.name;
    this.accessKeyId = key.id;
    this.secretAccessKey = key.secret;
  }
}
