/**
 * Static checks of the GitHub Actions workflows: parsed as YAML, they plan on
 * pull requests and deploy from main behind the `production` environment,
 * reach AWS only through OIDC role assumption, hold no secret, pin every
 * action to a commit, and run the steps the project's own scripts expect.
 * When actionlint is installed, it lints them too.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..", "..");
const WORKFLOWS = join(ROOT, ".github", "workflows");

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- workflow YAML is untyped by nature
type Node = Record<string, any>;

interface YamlModule {
  load(text: string, options: { schema: unknown }): unknown;
  JSON_SCHEMA: unknown;
}

/** Parses YAML with the JSON schema, which keeps `on:` a key rather than a YAML 1.1 boolean. */
function loadYaml(text: string): Node {
  const yaml = require("js-yaml") as YamlModule;

  return yaml.load(text, { schema: yaml.JSON_SCHEMA }) as Node;
}

function read(name: string): { text: string; doc: Node } {
  const text = readFileSync(join(WORKFLOWS, name), "utf8");

  return { text, doc: loadYaml(text) };
}

function steps(job: Node): Node[] {
  return job.steps as Node[];
}

function uses(job: Node, action: string): Node[] {
  return steps(job).filter((step) => String(step.uses ?? "").startsWith(`${action}@`));
}

function runs(job: Node): string {
  return steps(job)
    .map((step) => String(step.run ?? ""))
    .join("\n");
}

const plan = read("plan.yml");
const deploy = read("deploy.yml");

describe("workflow files", () => {
  it("are exactly plan.yml and deploy.yml", () => {
    // Act
    const files = readdirSync(WORKFLOWS).sort();

    // Assert
    expect(files).toEqual(["deploy.yml", "plan.yml"]);
  });

  it.each([
    ["plan.yml", plan],
    ["deploy.yml", deploy],
  ])("%s reads only contents by default and holds no AWS key or secret", (_name, workflow) => {
    // Assert
    expect(workflow.doc.permissions).toEqual({ contents: "read" });
    expect(workflow.text).not.toMatch(/AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID|aws-access-key-id/);
    expect(workflow.text).not.toMatch(/aws-secret-access-key|secrets\./);
  });

  it.each([
    ["plan.yml", plan],
    ["deploy.yml", deploy],
  ])("%s pins every action to a full commit with its version beside it", (_name, workflow) => {
    // Arrange
    const lines = workflow.text.split("\n").filter((line) => /^\s*(- )?uses:/.test(line));

    // Assert
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    }
  });

  it.each([
    ["plan.yml", plan],
    ["deploy.yml", deploy],
  ])("%s keeps expressions out of shell scripts, which all parse", (_name, workflow) => {
    // Arrange
    const scripts = Object.values(workflow.doc.jobs as Record<string, Node>).flatMap((job) =>
      steps(job)
        .map((step) => step.run as string | undefined)
        .filter((run): run is string => run !== undefined)
    );

    // Assert
    for (const script of scripts) {
      // Values reach scripts through env, never by pasting ${{ }} into the shell text.
      expect(script).not.toContain("${{");
      expect(spawnSync("bash", ["-n", "-c", script]).status).toBe(0);
    }
  });

  it.each([
    ["plan.yml", plan],
    ["deploy.yml", deploy],
  ])(
    "%s installs with npm ci on Node 20 and runs npm test before touching AWS",
    (_name, workflow) => {
      // Arrange
      const jobs = workflow.doc.jobs as Record<string, Node>;
      const awsJob = Object.values(jobs).find(
        (job) => uses(job, "aws-actions/configure-aws-credentials").length > 0
      )!;

      // Assert
      for (const job of Object.values(jobs)) {
        expect(uses(job, "actions/setup-node").map((step) => step.with["node-version"])).toEqual([
          20,
        ]);
        expect(runs(job)).toMatch(/^npm ci$/m);
      }
      expect(runs(jobs.test)).toMatch(/^npm test$/m);
      expect(awsJob.needs).toBe("test");
    }
  );

  it.each([
    ["plan.yml", plan],
    ["deploy.yml", deploy],
  ])("%s gets AWS credentials only by assuming a role through OIDC", (_name, workflow) => {
    // Arrange
    const jobs = Object.values(workflow.doc.jobs as Record<string, Node>);

    // Assert
    for (const job of jobs) {
      const credentials = uses(job, "aws-actions/configure-aws-credentials");
      if (credentials.length === 0) {
        expect(job.permissions?.["id-token"]).toBeUndefined();
        continue;
      }
      expect(job.permissions["id-token"]).toBe("write");
      for (const step of credentials) {
        expect(Object.keys(step.with).sort()).toEqual([
          "aws-region",
          "role-session-name",
          "role-to-assume",
        ]);
        expect(step.with["role-to-assume"]).toMatch(/^\$\{\{ vars\.AWS_[A-Z_]+_ROLE_ARN \}\}$/);
      }
    }
  });

  it.each([
    ["plan.yml", plan],
    ["deploy.yml", deploy],
  ])(
    "%s builds for arm64, synthesizes with the S3 backend and runs Terraform in the stack folder",
    (_name, workflow) => {
      // Arrange
      const job = Object.values(workflow.doc.jobs as Record<string, Node>).find(
        (candidate) => uses(candidate, "hashicorp/setup-terraform").length > 0
      )!;
      const synth = steps(job).find((step) => step.id === "synth")!;
      const terraform = steps(job).filter((step) =>
        /\bterraform (init|plan)\b/.test(String(step.run))
      );

      // Assert
      expect(workflow.doc.env.TF_STATE_BUCKET).toBe("${{ vars.TF_STATE_BUCKET }}");
      expect(runs(job)).toContain("npm run build -- --arch arm64");
      expect(synth.run).toContain('stack_json="$(npm run --silent synth)"');
      expect(synth.run).toContain('echo "dir=$(dirname "$stack_json")" >> "$GITHUB_OUTPUT"');
      expect(terraform.length).toBeGreaterThanOrEqual(2);
      for (const step of terraform) {
        expect(step["working-directory"]).toBe("${{ steps.synth.outputs.dir }}");
        expect(step.env.TF_CLI_CONFIG_FILE).toBe("${{ github.workspace }}/terraform.rc");
      }
      // S3-native locking (use_lockfile) is generally available from Terraform 1.11.
      const [setup] = uses(job, "hashicorp/setup-terraform");
      const [major, minor] = String(setup.with.terraform_version).split(".").map(Number);
      expect(major * 100 + minor).toBeGreaterThanOrEqual(111);
      expect(setup.with.terraform_wrapper).toBe(false);
    }
  );
});

describe("plan.yml", () => {
  const jobs = plan.doc.jobs as Record<string, Node>;

  it("runs on pull requests to main only", () => {
    // Assert
    expect(plan.doc.on).toEqual({ pull_request: { branches: ["main"] } });
  });

  it("plans with a lock timeout into a file and may write pull-request comments, nothing more", () => {
    // Assert
    expect(jobs.plan.permissions).toEqual({
      contents: "read",
      "id-token": "write",
      "pull-requests": "write",
    });
    expect(runs(jobs.plan)).toMatch(/^terraform init -input=false/m);
    expect(runs(jobs.plan)).toMatch(
      /^terraform plan -input=false .*-lock-timeout=\S+ .*-out=tfplan$/m
    );
    expect(runs(jobs.plan)).not.toMatch(/terraform apply/);
  });

  it("posts the plan as one pull-request comment that later runs update", () => {
    // Arrange
    const [comment] = uses(jobs.plan, "actions/github-script");

    // Assert
    expect(comment.env.PLAN_FILE).toBe("${{ runner.temp }}/plan.txt");
    expect(comment.with.script).toContain("github.rest.issues.createComment");
    expect(comment.with.script).toContain("github.rest.issues.updateComment");
    expect(comment.with.script).toContain("<!-- image-pipeline terraform plan -->");
  });

  it("creates the comment once and updates it on the next run, with the plan's summary line", async () => {
    // Arrange
    const [step] = uses(jobs.plan, "actions/github-script");
    const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
      ...args: string[]
    ) => (...values: unknown[]) => Promise<void>;
    const script = new AsyncFunction("github", "context", "require", step.with.script);
    const dir = mkdtempSync(join(tmpdir(), "plan-comment-"));
    writeFileSync(
      join(dir, "plan.txt"),
      "Terraform will perform...\nPlan: 3 to add, 1 to change, 0 to destroy.\n"
    );
    const saved = { PLAN_FILE: process.env.PLAN_FILE, STACK: process.env.STACK };
    Object.assign(process.env, {
      PLAN_FILE: join(dir, "plan.txt"),
      STACK: "activity4-image-pipeline-prod",
    });
    const comments: { id: number; user: { type: string }; body: string }[] = [];
    const calls: string[] = [];
    const github = {
      paginate: async () => comments,
      rest: {
        issues: {
          listComments: () => undefined,
          createComment: async ({ body }: { body: string }) => {
            calls.push("create");
            comments.push({ id: 7, user: { type: "Bot" }, body });
          },
          updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
            calls.push(`update ${comment_id}`);
            comments[0].body = body;
          },
        },
      },
    };
    const context = {
      repo: { owner: "o", repo: "r" },
      issue: { number: 5 },
      payload: { pull_request: { head: { sha: "0123456789abcdef" } } },
    };

    try {
      // Act
      await script(github, context, require);
      await script(github, context, require);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }

    // Assert
    expect(calls).toEqual(["create", "update 7"]);
    expect(comments[0].body).toContain("### Terraform plan for `activity4-image-pipeline-prod`");
    expect(comments[0].body).toContain(
      "Plan: 3 to add, 1 to change, 0 to destroy. (commit 0123456)"
    );
    expect(comments[0].body).toContain("```terraform\nTerraform will perform...");
  });

  it("skips planning for forks, which get no OIDC token", () => {
    // Assert
    expect(jobs.plan.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
  });
});

describe("deploy.yml", () => {
  const jobs = deploy.doc.jobs as Record<string, Node>;

  it("runs on pushes to main only, one at a time and never cancelled half-way", () => {
    // Assert
    expect(deploy.doc.on).toEqual({ push: { branches: ["main"] } });
    expect(deploy.doc.concurrency).toEqual({
      group: "deploy-production",
      "cancel-in-progress": false,
    });
  });

  it("waits for the production environment's approval before it can assume the deploy role", () => {
    // Assert
    expect(jobs.deploy.environment).toBe("production");
    expect(jobs.deploy.permissions).toEqual({ contents: "read", "id-token": "write" });
  });

  it("applies exactly the plan it made, verifies the stack and removes the outputs file", () => {
    // Arrange
    const script = runs(jobs.deploy);
    const cleanup = steps(jobs.deploy).at(-1)!;

    // Assert
    expect(script).toMatch(/^terraform apply -input=false .*tfplan$/m);
    expect(script).toContain('npm run verify -- --outputs "$RUNNER_TEMP/outputs.json"');
    expect(cleanup).toMatchObject({ if: "always()", run: 'rm -f "$RUNNER_TEMP/outputs.json"' });
  });
});

describe("actionlint", () => {
  const found = spawnSync("actionlint", ["-version"], { encoding: "utf8" });
  const lint = found.error ? it.skip : it;
  if (found.error) {
    console.warn(
      "Skipping actionlint: it is not installed (not packaged for Debian bookworm; the structural checks above still run)."
    );
  }

  lint("finds nothing to report in the workflows", () => {
    // Act
    const result = spawnSync("actionlint", ["-no-color"], {
      cwd: ROOT,
      encoding: "utf8",
    });

    // Assert
    expect({ status: result.status, output: result.stdout + result.stderr }).toEqual({
      status: 0,
      output: "",
    });
  });
});
