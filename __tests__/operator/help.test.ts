/**
 * The guides in help/: each exists, is linked from README, fits about one
 * screen, and names only npm scripts and settings the project has.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..", "..");
const GUIDES = [
  "deploy.md",
  "self-test.md",
  "instructor-access.md",
  "troubleshooting.md",
  "teardown.md",
  "localstack.md",
];
const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const scripts = Object.keys(
  (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: object }).scripts
);
const config = ["config.ts", "state-bucket-config.ts"]
  .map((file) => readFileSync(join(ROOT, "stacks", file), "utf8"))
  .join("\n");

describe("help/", () => {
  it("holds exactly the six guides", () => {
    // Act
    const files = readdirSync(join(ROOT, "help")).sort();

    // Assert
    expect(files).toEqual([...GUIDES].sort());
  });

  it.each(GUIDES)("%s is linked from README and fits about one screen", (guide) => {
    // Act
    const lines = readFileSync(join(ROOT, "help", guide), "utf8").trimEnd().split("\n");

    // Assert
    expect(readme).toContain(`](help/${guide})`);
    expect(lines.length).toBeLessThanOrEqual(70);
  });

  it.each(GUIDES)("%s names only npm scripts that package.json has", (guide) => {
    // Arrange
    const text = readFileSync(join(ROOT, "help", guide), "utf8");

    // Act
    const named = [...text.matchAll(/npm run (?:-s |--silent )?([a-z][a-z-]*)/g)].map(
      ([, name]) => name
    );

    // Assert
    for (const name of named) expect(scripts).toContain(name);
  });

  it.each(GUIDES)("%s names only settings the stack reads", (guide) => {
    // Arrange
    const text = readFileSync(join(ROOT, "help", guide), "utf8");
    const known = new Set(["CHECKPOINT_DISABLE", "TF_CLI_CONFIG_FILE", "AWS_REGION"]);

    // Act
    const settings = [
      ...text.matchAll(
        /\b((?:STAGE|STACK|LAMBDA|BUCKET|INSTRUCTOR|TF_STATE|STATE|LOCALSTACK)[A-Z_]*)=/g
      ),
    ].map(([, name]) => name);

    // Assert
    for (const setting of settings) {
      if (!known.has(setting))
        expect({ setting, read: config.includes(`"${setting}"`) }).toEqual({ setting, read: true });
    }
  });
});
