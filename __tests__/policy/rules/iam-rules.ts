import { isWildcardOnlyAction } from "@cloud-copilot/iam-simulate";

import {
  allowedAmong,
  isPublicPrincipal,
  Statement,
  statementsOf,
} from "../support/iam-statements";
import type { PolicyRule } from "../support/policy-rule";
import type { StackResource } from "../support/stack-index";

/** Every kind of identity policy a stack can hold. */
const IDENTITY_POLICIES = [
  "aws_iam_role_policy",
  "aws_iam_user_policy",
  "aws_iam_group_policy",
  "aws_iam_policy",
];

/** Actions that let a principal give itself or another principal more rights. */
export const ESCALATION_ACTIONS: readonly string[] = [
  "iam:CreatePolicyVersion",
  "iam:SetDefaultPolicyVersion",
  "iam:PassRole",
  "iam:CreateAccessKey",
  "iam:CreateLoginProfile",
  "iam:UpdateLoginProfile",
  "iam:AttachUserPolicy",
  "iam:AttachGroupPolicy",
  "iam:AttachRolePolicy",
  "iam:PutUserPolicy",
  "iam:PutGroupPolicy",
  "iam:PutRolePolicy",
  "iam:AddUserToGroup",
  "iam:UpdateAssumeRolePolicy",
  "sts:AssumeRole",
  "lambda:CreateFunction",
  "lambda:UpdateFunctionCode",
  "lambda:UpdateFunctionConfiguration",
  "lambda:AddPermission",
  "ec2:RunInstances",
  "cloudformation:CreateStack",
  "glue:UpdateDevEndpoint",
];

/** Actions that hand out credentials. */
export const CREDENTIAL_ACTIONS: readonly string[] = [
  "iam:CreateAccessKey",
  "iam:UpdateAccessKey",
  "iam:CreateLoginProfile",
  "iam:UpdateLoginProfile",
  "iam:CreateServiceSpecificCredential",
  "iam:ResetServiceSpecificCredential",
  "iam:UploadSSHPublicKey",
  "sts:GetFederationToken",
  "sts:GetSessionToken",
  "ecr:GetAuthorizationToken",
  "sso:GetRoleCredentials",
];

/** Reads of data that must name what they read. */
export const EXFILTRATION_ACTIONS: readonly string[] = [
  "s3:GetObject",
  "ssm:GetParameter",
  "ssm:GetParameters",
  "secretsmanager:GetSecretValue",
  "kms:Decrypt",
  "dynamodb:Scan",
  "dynamodb:GetItem",
];

/** Actions of the services that manage identities. */
const IDENTITY_SERVICES = ["iam", "sts", "organizations", "sso", "identitystore"];

function allows(resource: StackResource): Statement[] {
  return statementsOf(resource.config.policy).filter((s) => s.Effect === "Allow");
}

function forbidden(
  id: string,
  title: string,
  description: string,
  references: string[],
  actions: readonly string[],
): PolicyRule {
  return {
    id,
    title,
    description,
    references,
    resourceTypes: IDENTITY_POLICIES,
    check: (policy) => {
      const granted = allowedAmong(allows(policy), actions);

      return granted.length === 0 ? undefined : `allows ${granted.join(", ")}`;
    },
  };
}

/** Rules for roles, users and their policies. */
export const IAM_RULES: readonly PolicyRule[] = [
  {
    id: "IAM_NO_WILDCARD_ACTION",
    title: "no * in actions",
    description: "Every allowed action is named; a wildcard grants whatever AWS adds later.",
    references: ["CKV_AWS_63", "CKV_AWS_62", "tfsec aws-iam-no-policy-wildcards"],
    resourceTypes: IDENTITY_POLICIES,
    check: (policy) => {
      const wild = allows(policy).flatMap((s) => [
        ...s.Action.filter((a) => a.includes("*")),
        ...s.NotAction,
      ]);

      return wild.length === 0 ? undefined : `wildcard or NotAction: ${wild.join(", ")}`;
    },
  },
  {
    id: "IAM_NO_WILDCARD_RESOURCE",
    title: "no * resource where AWS can scope it",
    description:
      "Resource * is left only for actions that accept no other resource (X-Ray's, for instance).",
    references: ["CKV_AWS_355", "CKV_AWS_290", "tfsec aws-iam-no-policy-wildcards"],
    resourceTypes: IDENTITY_POLICIES,
    check: async (policy) => {
      const unscoped = allows(policy).filter(
        (s) => s.Resource.includes("*") || s.NotResource.length > 0,
      );
      const scopable: string[] = [];
      for (const action of unscoped.flatMap((s) => s.Action)) {
        const [service, name] = action.split(":");
        if (!(await isWildcardOnlyAction(service, name))) scopable.push(action);
      }

      return scopable.length === 0
        ? undefined
        : `* resource for scopable action(s): ${scopable.join(", ")}`;
    },
  },
  forbidden(
    "IAM_NO_PRIVILEGE_ESCALATION",
    "no privilege escalation path",
    "No action that lets the principal change its own or another's rights, or run code as another role.",
    ["CKV_AWS_286", "CKV_AWS_289"],
    ESCALATION_ACTIONS,
  ),
  forbidden(
    "IAM_NO_CREDENTIAL_EXPOSURE",
    "no action that hands out credentials",
    "No new access keys, passwords or session tokens.",
    ["CKV_AWS_287"],
    CREDENTIAL_ACTIONS,
  ),
  {
    id: "IAM_NO_IDENTITY_ACTIONS",
    title: "no IAM, STS or organization actions",
    description: "Neither function nor the instructor touches identities; nothing here needs to.",
    references: ["CKV_AWS_289", "issue 5: anyone touching IAM"],
    resourceTypes: IDENTITY_POLICIES,
    check: (policy) => {
      const touching = allows(policy)
        .flatMap((s) => s.Action)
        .filter(
          (action) =>
            action === "*" || IDENTITY_SERVICES.includes(action.split(":")[0].toLowerCase()),
        );

      return touching.length === 0 ? undefined : `allows ${touching.join(", ")}`;
    },
  },
  {
    id: "IAM_NO_DATA_EXFILTRATION",
    title: "data reads name their resources",
    description: "Object, secret, parameter, key and table reads are never granted on *.",
    references: ["CKV_AWS_288"],
    resourceTypes: IDENTITY_POLICIES,
    check: (policy) => {
      const wide = allows(policy).filter((s) => s.Resource.includes("*"));
      const granted = allowedAmong(wide, EXFILTRATION_ACTIONS);

      return granted.length === 0 ? undefined : `allows ${granted.join(", ")} on *`;
    },
  },
  {
    id: "IAM_POLICY_ON_ROLE_OR_GROUP",
    title: "policies attach to roles or groups, not users",
    description: "A user's rights then come from a group that can be reviewed and reused.",
    references: ["CKV_AWS_40"],
    resourceTypes: ["aws_iam_user"],
    check: (user, stack) => {
      const own = ["aws_iam_user_policy", "aws_iam_user_policy_attachment"].flatMap((type) =>
        stack.referencing(type, "user", user),
      );

      return own.length === 0
        ? undefined
        : `the user has its own policy: ${own.map((p) => p.path).join(", ")}`;
    },
  },
  {
    id: "IAM_NO_CONSOLE_LOGIN",
    title: "users have no console password",
    description:
      "The instructor user reads through the API with a key; a console password is one more secret.",
    references: ["issue 5: no console login for the instructor user"],
    resourceTypes: ["aws_iam_user"],
    check: (user, stack) =>
      stack.referencing("aws_iam_user_login_profile", "user", user).length === 0
        ? undefined
        : "the user has an aws_iam_user_login_profile",
  },
  {
    id: "IAM_ROLE_TRUST_SCOPED",
    title: "roles trust named service principals only",
    description: "No role may be assumed by everyone or by any principal of an account.",
    references: ["CKV_AWS_60", "CKV_AWS_61"],
    resourceTypes: ["aws_iam_role"],
    check: (role) => {
      const loose = statementsOf(role.config.assume_role_policy).filter((s) => {
        if (s.Effect !== "Allow") return false;
        if (isPublicPrincipal(s.Principal)) return true;
        const principal = s.Principal as { Service?: unknown; AWS?: unknown } | undefined;

        return principal?.AWS !== undefined || principal?.Service === undefined;
      });

      return loose.length === 0 ? undefined : "the trust policy admits more than a named service";
    },
  },
];
