/**
 * The one place the stack code imports the CDK for Terraform core library.
 *
 * CDKTF is sunset; its community fork keeps the same API under another package
 * name. Moving to it means changing the module name here and the
 * `@cdktf/provider-*` deep imports in `stacks/constructs/` (same paths, new
 * scope), nothing else.
 */
export { App, Fn, LocalBackend, S3Backend, TerraformOutput, TerraformStack } from "cdktf";
export type { ITerraformDependable } from "cdktf";
