/**
 * The instructor's secret access key: referenced once, by a sensitive
 * output; never in a function's environment; its state file ignored by git;
 * no key committed. data.json's mode and the data-json script's silence are
 * tested in __tests__/scripts/data-json.test.ts.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

import { synthPipeline } from "../stacks/synth-helper";

const ROOT = resolve(__dirname, "..", "..");
const STACK_DIR = join(ROOT, "cdktf.out", "stacks", "activity4-image-pipeline-dev");

/** AWS access key ids; AWS's documentation examples say EXAMPLE. */
const ACCESS_KEY_ID = /\b(AKIA|ASIA)[A-Z0-9]{16}\b/g;
/** 40 base64 characters with upper case, lower case and digits: a secret access key. */
const SECRET_SHAPE =
  /(?<![A-Za-z0-9/+])(?=[A-Za-z0-9/+]*[A-Z])(?=[A-Za-z0-9/+]*[a-z])(?=[A-Za-z0-9/+]*\d)[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

function trackedTextFiles(): string[] {
  return execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" })
    .split("\0")
    .filter((file) => file !== "" && !/\.(png|jpe?g|gif|webp|tiff?|zip|ico)$/i.test(file))
    .filter((file) => existsSync(join(ROOT, file)));
}

describe.each(["dev", "local"])("the instructor secret in the %s stage", (stage) => {
  const json = synthPipeline({ STAGE: stage });
  const text = JSON.stringify(json);

  it("is referenced once, by the sensitive output", () => {
    // Act
    const references = text.match(
      /\$\{aws_iam_access_key\.[^.}]+\.(secret|encrypted_secret|ses_smtp_password_v4)\}/g,
    );
    const holders = Object.entries(json.output).filter(([, output]) =>
      /\.secret\}/.test(String(output.value)),
    );

    // Assert
    expect(references).toHaveLength(1);
    expect(holders.map(([name, output]) => [name, output.sensitive])).toEqual([
      ["instructor_secret_access_key", true],
    ]);
  });

  it("reaches no function's environment", () => {
    // Act
    const environments = Object.values(json.resource.aws_lambda_function ?? {}).map((fn) =>
      JSON.stringify(fn.environment ?? {}),
    );

    // Assert
    for (const environment of environments) {
      expect(environment).not.toMatch(/aws_iam_access_key|instructor/);
    }
  });
});

describe("secrets in the repository", () => {
  it("keeps the local Terraform state, which holds the secret in clear text, out of git", () => {
    // Arrange
    const backendPath = String(synthPipeline({ STAGE: "dev" }).terraform.backend.local.path);
    const statePath = resolve(STACK_DIR, backendPath);

    // Act
    const ignored = execFileSync("git", ["check-ignore", "--no-index", "-q", statePath], {
      cwd: ROOT,
      stdio: "pipe",
    });

    // Assert
    expect(ignored.toString()).toBe("");
  });

  it("commits data.json with placeholders only", () => {
    // Act
    const committed = JSON.parse(
      execFileSync("git", ["show", "HEAD:data.json"], { cwd: ROOT, encoding: "utf8" }),
    ) as Record<string, string>;

    // Assert
    expect(committed.instructor_secret_access_key).toMatch(/^<.*>$/);
    expect(committed.instructor_access_key_id).toMatch(/^<.*>$/);
  });

  it("commits no access key id and nothing shaped like a secret access key", () => {
    // Arrange
    const files = trackedTextFiles();

    // Act
    const hits = files.flatMap((file) => {
      const content = readFileSync(join(ROOT, file), "utf8");
      const ids = (content.match(ACCESS_KEY_ID) ?? []).filter((id) => !id.includes("EXAMPLE"));
      const secrets = (content.match(SECRET_SHAPE) ?? []).filter((s) => !/EXAMPLE/i.test(s));

      return [...ids, ...secrets].map((hit) => `${file}: ${hit}`);
    });

    // Assert
    expect(files.length).toBeGreaterThan(50);
    expect(hits).toEqual([]);
  });
});
