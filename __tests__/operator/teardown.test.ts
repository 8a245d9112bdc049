/**
 * Teardown: `cdktf destroy` may empty and delete the buckets of a
 * non-production stage, never those of `prod`/`production` unless asked, and
 * the instructor user and its key are resources of the stack, so they go
 * with it.
 */
import { loadConfig } from "../../stacks/config";
import { allOf, synthPipeline } from "../stacks/synth-helper";

function forceDestroyOfBuckets(env: Record<string, string>): unknown[] {
  return allOf(synthPipeline(env), "aws_s3_bucket").map((found) => found.block.force_destroy);
}

describe("teardown settings", () => {
  it.each(["dev", "test", "local", "staging"])(
    "lets destroy delete non-empty buckets of stage %s by default",
    (stage) => {
      // Act
      const values = forceDestroyOfBuckets({ STAGE: stage });

      // Assert
      expect(values).toEqual([true, true, true, true]);
    }
  );

  it.each(["prod", "production"])("keeps the buckets of stage %s by default", (stage) => {
    // Act
    const values = forceDestroyOfBuckets({ STAGE: stage });

    // Assert
    expect(values).toEqual([false, false, false, false]);
  });

  it("follows BUCKET_FORCE_DESTROY over the stage default either way", () => {
    // Act
    const prodForced = loadConfig({ STAGE: "prod", BUCKET_FORCE_DESTROY: "on" });
    const devKept = loadConfig({ STAGE: "dev", BUCKET_FORCE_DESTROY: "off" });

    // Assert
    expect(prodForced.forceDestroyBuckets).toBe(true);
    expect(devKept.forceDestroyBuckets).toBe(false);
  });

  it("declares the instructor's user, key, group and policy in the stack, for destroy", () => {
    // Act
    const json = synthPipeline({});

    // Assert
    const [user] = allOf(json, "aws_iam_user");
    const [key] = allOf(json, "aws_iam_access_key");
    const [group] = allOf(json, "aws_iam_group");
    const [membership] = allOf(json, "aws_iam_user_group_membership");
    const [policy] = allOf(json, "aws_iam_group_policy");
    expect(user.block.force_destroy).toBe(true);
    expect(key.block.user).toBe(`\${aws_iam_user.${user.key}.name}`);
    expect(membership.block).toMatchObject({
      user: `\${aws_iam_user.${user.key}.name}`,
      groups: [`\${aws_iam_group.${group.key}.name}`],
    });
    expect(policy.block.group).toBe(`\${aws_iam_group.${group.key}.name}`);
  });

  it("leaves no resource that blocks destroy in a non-production stage", () => {
    // Act
    const json = synthPipeline({});

    // Assert
    const blocking = Object.entries(json.resource).flatMap(([type, blocks]) =>
      Object.entries(blocks)
        .filter(
          ([, block]) =>
            block.lifecycle?.prevent_destroy === true || block.deletion_protection_enabled === true
        )
        .map(([key]) => `${type}.${key}`)
    );
    expect(blocking).toEqual([]);
  });
});
