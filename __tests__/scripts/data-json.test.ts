import { execFileSync, spawnSync } from "node:child_process";
import {
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keepOutOfCommits } from "../../scripts/lib/commit-guard";
import { DataJsonError, dataJsonFromOutputs, renderDataJson } from "../../scripts/lib/data-json";
import { OUTPUT_NAMES } from "../../stacks/output-names";

const ROOT = join(__dirname, "..", "..");
const FIXTURES = join(ROOT, "__tests__", "fixtures", "stack-outputs");
const STACK = "activity4-image-pipeline-dev";
const SECRET = "fakeSecretForTestsOnly/0123456789abcdefABCDEF";
const read = (file: string) =>
  JSON.parse(readFileSync(join(FIXTURES, file), "utf8")) as Record<string, unknown>;
/** This process's environment without the variables that would aim git at another repository. */
const ownRepoEnv = () => {
  const { GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, ...rest } = process.env;

  return rest;
};
const readSecret = (file: string) =>
  (JSON.parse(readFileSync(file, "utf8")) as Record<string, string>).instructor_secret_access_key;

describe("dataJsonFromOutputs", () => {
  it("reads a cdktf outputs file, nested under the stack name", () => {
    // Act
    const { data, source } = dataJsonFromOutputs(read("cdktf-outputs.json"), STACK);

    // Assert
    expect(source).toBe("cdktf");
    expect(data.uploads_bucket).toBe("activity4-image-pipeline-dev-uploads-111122223333");
    expect(data.instructor_secret_access_key).toBe(SECRET);
  });

  it("reads terraform output -json and gives the same data", () => {
    // Act
    const fromTerraform = dataJsonFromOutputs(read("terraform-output.json"), STACK);
    const fromCdktf = dataJsonFromOutputs(read("cdktf-outputs.json"), STACK);

    // Assert
    expect(fromTerraform.source).toBe("terraform");
    expect(fromTerraform.data).toEqual(fromCdktf.data);
  });

  it("lists every missing output", () => {
    // Arrange
    const outputs = read("terraform-output.json");
    delete outputs.jobs_table;
    delete outputs.sns_topic_arn;

    // Act
    const convert = () => dataJsonFromOutputs(outputs, STACK);

    // Assert
    expect(convert).toThrow(DataJsonError);
    expect(convert).toThrow(/^missing outputs: jobs_table, sns_topic_arn;/);
  });

  it("explains that cdktf leaves the secret out unless asked to include sensitive outputs", () => {
    // Arrange
    const outputs = read("cdktf-outputs.json");
    delete (outputs[STACK] as Record<string, unknown>).instructor_secret_access_key;

    // Act
    const convert = () => dataJsonFromOutputs(outputs, STACK);

    // Assert
    expect(convert).toThrow(
      /missing outputs: instructor_secret_access_key; .*--outputs-file-include-sensitive-outputs/
    );
  });

  it("says which stack it looked for when the file holds another one", () => {
    // Act
    const convert = () =>
      dataJsonFromOutputs(read("cdktf-outputs.json"), "activity4-image-pipeline-prod");

    // Assert
    expect(convert).toThrow(
      /stack "activity4-image-pipeline-prod".*top-level keys: activity4-image-pipeline-dev/
    );
  });

  it("accepts empty instructor outputs (user switched off) but not other empty outputs", () => {
    // Arrange
    const off = read("cdktf-outputs.json");
    const values = off[STACK] as Record<string, string>;
    for (const name of [
      "instructor_iam_username",
      "instructor_access_key_id",
      "instructor_secret_access_key",
    ]) {
      values[name] = "";
    }
    const broken = { [STACK]: { ...values, uploads_bucket: "" } };

    // Act
    const { data } = dataJsonFromOutputs(off, STACK);

    // Assert
    expect(data.instructor_secret_access_key).toBe("");
    expect(() => dataJsonFromOutputs(broken, STACK)).toThrow(
      "outputs that are empty: uploads_bucket"
    );
  });

  it("refuses partly empty instructor outputs", () => {
    // Arrange
    const outputs = read("cdktf-outputs.json");
    (outputs[STACK] as Record<string, string>).instructor_access_key_id = "";

    // Act
    const convert = () => dataJsonFromOutputs(outputs, STACK);

    // Assert
    expect(convert).toThrow("instructor outputs are partly empty: instructor_access_key_id");
  });

  it("renders the ten keys in output order", () => {
    // Arrange
    const { data } = dataJsonFromOutputs(read("terraform-output.json"), STACK);

    // Act
    const text = renderDataJson(data);

    // Assert
    expect(Object.keys(JSON.parse(text))).toEqual([...OUTPUT_NAMES]);
    expect(text.endsWith("}\n")).toBe(true);
  });
});

describe("npm run data-json", () => {
  const dir = mkdtempSync(join(tmpdir(), "data-json-"));
  const tsx = join(ROOT, "node_modules", ".bin", "tsx");
  const script = join(ROOT, "scripts", "data-json.ts");
  const env = { ...process.env, STAGE: "dev", STACK_NAME: "" };

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes data.json with mode 0600, prints no secret and warns that the file holds one", () => {
    // Arrange
    const out = join(dir, "data.json");

    // Act
    const result = spawnSync(
      tsx,
      [script, "--from", join(FIXTURES, "cdktf-outputs.json"), "--out", out],
      {
        encoding: "utf8",
        env,
      }
    );

    // Assert
    expect(result.status).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8")).instructor_secret_access_key).toBe(SECRET);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(result.stdout + result.stderr).not.toContain(SECRET);
    expect(result.stdout).toContain("instructor_secret_access_key: (hidden)");
    expect(result.stderr).toMatch(/now holds the instructor's secret access key/);
  });

  it("narrows the mode of an existing data.json to 0600", () => {
    // Arrange
    const out = join(dir, "existing.json");
    writeFileSync(out, "{}", { mode: 0o644 });

    // Act
    execFileSync(tsx, [script, "--from", join(FIXTURES, "terraform-output.json"), "--out", out], {
      env,
      stdio: "pipe",
    });

    // Assert
    expect(statSync(out).mode & 0o777).toBe(0o600);
  });

  it("fails with exit code 2 and a clear message for partial outputs, leaving no file", () => {
    // Arrange
    const partial = join(dir, "partial.json");
    const out = join(dir, "not-written.json");
    const outputs = read("terraform-output.json");
    delete outputs.analytics_bucket;
    writeFileSync(partial, JSON.stringify(outputs));

    // Act
    const result = spawnSync(tsx, [script, "--from", partial, "--out", out], {
      encoding: "utf8",
      env,
    });

    // Assert
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^error: missing outputs: analytics_bucket;/);
    expect(() => statSync(out)).toThrow();
    expect(result.stdout + result.stderr).not.toContain(SECRET);
  });
});

describe("npm run data-json with bad paths", () => {
  const dir = mkdtempSync(join(tmpdir(), "data-json-paths-"));
  const tsx = join(ROOT, "node_modules", ".bin", "tsx");
  const script = join(ROOT, "scripts", "data-json.ts");
  const from = join(FIXTURES, "terraform-output.json");
  const env = { ...process.env, STAGE: "dev", STACK_NAME: "" };
  const run = (...args: string[]) => spawnSync(tsx, [script, ...args], { encoding: "utf8", env, cwd: dir });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [["--out", "."], /--out .* is a folder; name the file to write/],
    [["--out", "missing/data.json"], /the folder .*missing does not exist/],
  ])("refuses --out %j with exit 2 and leaves no copy of the secret behind", (args, message) => {
    const result = run("--from", from, ...args);

    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(readdirSync(dir).filter((name) => name.startsWith(".data-json-"))).toEqual([]);
  });

  it("refuses a link as --out instead of replacing it with a file holding the secret", () => {
    const target = join(dir, "target.txt");
    writeFileSync(target, "keep");
    symlinkSync(target, join(dir, "link.json"));

    const result = run("--from", from, "--out", "link.json");

    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/is not a regular file/);
    expect(lstatSync(join(dir, "link.json")).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, "utf8")).toBe("keep");
  });

  it("refuses a folder given as --from", () => {
    const result = run("--from", dir, "--out", join(dir, "data.json"));

    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/is a folder, not an outputs file/);
  });

  it("prints its usage for --help", () => {
    const result = run("--help");

    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm run data-json/);
  });
});

describe("npm run data-json in a git work tree", () => {
  const tsx = join(ROOT, "node_modules", ".bin", "tsx");
  const script = join(ROOT, "scripts", "data-json.ts");
  const from = join(FIXTURES, "cdktf-outputs.json");
  const env = { ...ownRepoEnv(), STAGE: "dev", STACK_NAME: "" };
  const placeholders = `${JSON.stringify({ instructor_secret_access_key: "<secret>" })}\n`;
  let repo: string;
  const git = (...args: string[]) =>
    spawnSync(
      "git",
      ["-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"]
        .concat(args),
      { cwd: repo, encoding: "utf8", env: ownRepoEnv() }
    );

  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), "data-json-repo-"));
    git("init", "-q");
    writeFileSync(join(repo, "data.json"), placeholders);
    git("add", "data.json");
    git("commit", "-q", "-m", "placeholders");
  });

  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  it("marks a tracked data.json skip-worktree, so git commit -a leaves the secret out", () => {
    // Act
    const result = spawnSync(tsx, [script, "--from", from, "--out", join(repo, "data.json")], {
      cwd: repo,
      encoding: "utf8",
      env,
    });
    writeFileSync(join(repo, "other.txt"), "other\n");
    git("add", "other.txt");
    const commit = git("commit", "-q", "-a", "-m", "everything");
    const add = git("add", "data.json");

    // Assert
    expect(result.status).toBe(0);
    expect(readSecret(join(repo, "data.json"))).toBe(SECRET);
    expect(git("ls-files", "-v", "data.json").stdout).toBe("S data.json\n");
    expect(commit.status).toBe(0);
    expect(git("show", "HEAD:data.json").stdout).toBe(placeholders);
    expect(add.status).not.toBe(0);
    expect(git("status", "--porcelain").stdout).toBe("");
    expect(result.stderr).toContain("is tracked by git, so it is now marked skip-worktree");
    expect(result.stderr).toContain("run: git update-index --no-skip-worktree data.json");
  });

  it("undoes with the command it prints, showing the change to git again", () => {
    // Arrange
    spawnSync(tsx, [script, "--from", from, "--out", join(repo, "data.json")], { cwd: repo, env });

    // Act
    const undo = git("update-index", "--no-skip-worktree", "data.json");

    // Assert
    expect(undo.status).toBe(0);
    expect(git("status", "--porcelain").stdout).toBe(" M data.json\n");
  });

  it("leaves an untracked output unmarked and says to keep it out of git", () => {
    // Act
    const result = spawnSync(tsx, [script, "--from", from, "--out", join(repo, "mine.json")], {
      cwd: repo,
      encoding: "utf8",
      env,
    });

    // Assert
    expect(result.status).toBe(0);
    expect(git("ls-files", "mine.json").stdout).toBe("");
    expect(result.stderr).toContain("mine.json is inside a git work tree but not tracked");
  });

  it("reports why git refused to mark the file, without throwing", () => {
    // Arrange
    writeFileSync(join(repo, ".git", "index.lock"), "");

    // Act
    const guard = keepOutOfCommits(join(repo, "data.json"));

    // Assert
    expect(guard).toEqual({ kind: "failed", reason: expect.stringContaining("index.lock") });
  });

  it("does nothing outside a work tree or without a git executable", () => {
    // Arrange
    const outside = mkdtempSync(join(tmpdir(), "data-json-plain-"));
    writeFileSync(join(outside, "data.json"), placeholders);

    // Act
    const plain = keepOutOfCommits(join(outside, "data.json"));
    const noGit = keepOutOfCommits(join(repo, "data.json"), join(outside, "no-such-git"));

    // Assert
    rmSync(outside, { recursive: true, force: true });
    expect([plain, noGit]).toEqual([{ kind: "outside-git" }, { kind: "outside-git" }]);
  });

  it("writes data.json all the same when git is not installed", () => {
    // Arrange
    const noTools = mkdtempSync(join(tmpdir(), "no-git-"));

    // Act
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", script, "--from", from, "--out", join(repo, "data.json")],
      { cwd: ROOT, encoding: "utf8", env: { ...env, PATH: noTools } }
    );

    // Assert
    rmSync(noTools, { recursive: true, force: true });
    expect(result.status).toBe(0);
    expect(readSecret(join(repo, "data.json"))).toBe(SECRET);
    expect(result.stderr).not.toContain("skip-worktree");
    expect(git("ls-files", "-v", "data.json").stdout).toBe("H data.json\n");
  });
});
