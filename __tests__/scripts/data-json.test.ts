import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataJsonError, dataJsonFromOutputs, renderDataJson } from "../../scripts/lib/data-json";
import { OUTPUT_NAMES } from "../../stacks/output-names";

const ROOT = join(__dirname, "..", "..");
const FIXTURES = join(ROOT, "__tests__", "fixtures", "stack-outputs");
const STACK = "activity4-image-pipeline-dev";
const SECRET = "fakeSecretForTestsOnly/0123456789abcdefABCDEF";
const read = (file: string) =>
  JSON.parse(readFileSync(join(FIXTURES, file), "utf8")) as Record<string, unknown>;

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
