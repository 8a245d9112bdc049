import type { Construct } from "constructs";
import { TerraformOutput } from "./cdktf";
import { OUTPUT_DESCRIPTIONS, OUTPUT_NAMES, SECRET_OUTPUTS, type OutputName } from "./output-names";

/**
 * Declares the ten stack outputs under their exact names (no construct-path
 * prefix or hash), marking the secret access key sensitive.
 */
export function addPipelineOutputs(
  scope: Construct,
  values: Readonly<Record<OutputName, string>>
): void {
  for (const name of OUTPUT_NAMES) {
    new TerraformOutput(scope, name, {
      value: values[name],
      description: OUTPUT_DESCRIPTIONS[name],
      sensitive: SECRET_OUTPUTS.includes(name),
      staticId: true,
    });
  }
}
