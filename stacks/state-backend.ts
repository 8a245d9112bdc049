import type { Construct } from "constructs";
import { LocalBackend, S3Backend } from "./cdktf";
import type { StateBackendConfig } from "./config";
import { STACK_DIR_TO_ROOT } from "./repo-layout";

/**
 * Chooses where Terraform keeps the state of a stack.
 *
 * - Local (default): `terraform.tfstate.d/<stack>.tfstate` at the repository
 *   root, given relative to the stack directory. It survives deleting
 *   cdktf.out, is ignored by git (`terraform.tfstate*`), and holds the
 *   instructor's secret key in clear text: keep it private.
 * - S3 (TF_STATE_BUCKET set): the state object in that bucket, encrypted, and
 *   locked with Terraform's S3-native lock file (`use_lockfile`, Terraform
 *   1.10+), which needs no DynamoDB table.
 */
export function configureStateBackend(
  stack: Construct,
  stackName: string,
  backend: StateBackendConfig
): void {
  if (backend.kind === "local") {
    // A backend block takes no expressions, so this is a plain relative path.
    new LocalBackend(stack, {
      path: `${STACK_DIR_TO_ROOT}/terraform.tfstate.d/${stackName}.tfstate`,
    });

    return;
  }

  const s3 = new S3Backend(stack, {
    bucket: backend.bucket,
    key: backend.key,
    region: backend.region,
    encrypt: true,
  });
  // The prebuilt cdktf 0.21 S3BackendConfig predates `use_lockfile`.
  s3.addOverride("use_lockfile", true);
}
