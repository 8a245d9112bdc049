import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { buildHandlers, type BuiltFunction } from "../../scripts/lib/handler-build";
import { copySharpPackages } from "../../scripts/lib/sharp-packages";
import { FIXED_MTIME, listFiles, treeHash } from "../../scripts/lib/tree-files";
import { hostLambdaArchitecture } from "../../stacks/config";

const ROOT = join(__dirname, "..", "..");

describe("buildHandlers (real handlers, this host's architecture)", () => {
  const arch = hostLambdaArchitecture();
  const cpu = process.arch;
  const outDir = mkdtempSync(join(tmpdir(), "build-handlers-"));
  let first: BuiltFunction[];
  let second: BuiltFunction[];

  beforeAll(async () => {
    first = await buildHandlers({ projectRoot: ROOT, arch, outDir });
    second = await buildHandlers({ projectRoot: ROOT, arch, outDir });
  });
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it("writes dist/<arch>/<function>/index.js for both functions", () => {
    // Act
    const dirs = first.map((fn) => fn.dir);

    // Assert
    expect(dirs).toEqual([
      join(outDir, arch, "image-processor"),
      join(outDir, arch, "analytics-logger"),
    ]);
    expect(listFiles(join(outDir, arch, "analytics-logger"))).toEqual(["index.js"]);
  });

  it("I5: gives byte-identical trees when unchanged sources are built again", () => {
    // Act
    const hashes = [first, second].map((build) => build.map((fn) => fn.treeHash));

    // Assert
    expect(hashes[1]).toEqual(hashes[0]);
    expect(second.map((fn) => treeHash(fn.dir))).toEqual(hashes[0]);
  });

  it("fixes every file's mode and time", () => {
    // Arrange
    const dir = join(outDir, arch, "image-processor");

    // Act
    const stats = listFiles(dir).map((file) => statSync(join(dir, file)));

    // Assert
    expect(stats.every((stat) => (stat.mode & 0o777) === 0o644)).toBe(true);
    expect(stats.every((stat) => stat.mtimeMs === FIXED_MTIME.getTime())).toBe(true);
  });

  it("copies sharp with only its linux glibc binaries for this architecture into the processor", () => {
    // Act
    const packages = listFiles(join(outDir, arch, "image-processor", "node_modules"))
      .filter((file) => file.endsWith("/package.json"))
      .map((file) => dirname(file))
      .sort();

    // Assert
    expect(packages).toEqual(
      [
        "@img/colour",
        `@img/sharp-libvips-linux-${cpu}`,
        `@img/sharp-linux-${cpu}`,
        "detect-libc",
        "semver",
        "sharp",
      ].sort()
    );
  });

  it("bundles the SDK into CommonJS and leaves only sharp (and the SDK's optional CRT signer) external", () => {
    // Arrange
    const code = readFileSync(join(outDir, arch, "image-processor", "index.js"), "utf8");

    // Act
    const required = new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]));

    // Assert
    expect([...required].filter((name) => !name.startsWith("node:")).sort()).toEqual([
      "@aws-sdk/signature-v4-crt",
      "sharp",
    ]);
  });

  it("puts no path of this machine into the bundles", () => {
    // Act
    const leaks = first
      .map((fn) => readFileSync(join(fn.dir, "index.js"), "utf8"))
      .map((code) => ({
        root: code.includes(ROOT),
        tmp: code.includes(tmpdir()),
      }));

    // Assert
    expect(leaks).toEqual([
      { root: false, tmp: false },
      { root: false, tmp: false },
    ]);
  });

  it("loads the processor and resizes with the copied sharp alone, outside the repository", () => {
    // Arrange
    const dir = join(outDir, arch, "image-processor");
    const probe = [
      "const m = require('./index.js');",
      "const sharp = require('sharp');",
      "sharp({ create: { width: 300, height: 200, channels: 3, background: '#08f' } })",
      "  .resize(128, 128, { fit: 'inside' }).png().toBuffer({ resolveWithObject: true })",
      "  .then(({ info }) => console.log(typeof m.handler, info.width, info.height));",
    ].join("\n");

    // Act
    const result = spawnSync(process.execPath, ["-e", probe], {
      cwd: dir,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        AWS_REGION: "ap-south-1",
        AWS_EC2_METADATA_DISABLED: "true",
        THUMBNAILS_BUCKET: "thumbnails",
        JOBS_TABLE: "jobs",
        EVENTS_TOPIC_ARN: "arn:aws:sns:ap-south-1:111122223333:events",
        NODE_PATH: "",
      },
    });

    // Assert
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.stdout.trim()).toBe("function 128 85");
  });
});

describe("copySharpPackages (package selection)", () => {
  const project = mkdtempSync(join(tmpdir(), "sharp-packages-"));
  const pkg = (path: string, json: object) => {
    mkdirSync(join(project, "node_modules", path), { recursive: true });
    writeFileSync(join(project, "node_modules", path, "package.json"), JSON.stringify(json));
    writeFileSync(join(project, "node_modules", path, "index.js"), "");
  };

  beforeAll(() => {
    pkg("sharp", {
      name: "sharp",
      version: "1.0.0",
      dependencies: { "detect-libc": "1" },
      optionalDependencies: {
        "@img/sharp-linux-arm64": "1",
        "@img/sharp-linuxmusl-arm64": "1",
        "@img/sharp-darwin-arm64": "1",
        "@img/sharp-linux-x64": "1",
      },
    });
    pkg("sharp/node_modules/detect-libc", { name: "detect-libc", version: "2.0.0" });
    pkg("detect-libc", { name: "detect-libc", version: "1.0.0" });
    const native = (name: string, os: string, cpu: string, libc?: string) =>
      pkg(`@img/${name}`, {
        name: `@img/${name}`,
        version: "1.0.0",
        os: [os],
        cpu: [cpu],
        ...(libc ? { libc: [libc] } : {}),
        optionalDependencies: { [`@img/${name.replace("sharp-", "sharp-libvips-")}`]: "1" },
      });
    native("sharp-linux-arm64", "linux", "arm64", "glibc");
    native("sharp-libvips-linux-arm64", "linux", "arm64", "glibc");
    native("sharp-linuxmusl-arm64", "linux", "arm64", "musl");
    native("sharp-darwin-arm64", "darwin", "arm64");
    native("sharp-linux-x64", "linux", "x64", "glibc");
    native("sharp-libvips-linux-x64", "linux", "x64", "glibc");
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it("takes linux glibc packages of the target only, and keeps nested dependencies nested", () => {
    // Arrange
    const destination = join(project, "out");

    // Act
    copySharpPackages({
      projectRoot: project,
      arch: "arm64",
      destination,
      cacheDir: join(project, "cache"),
    });

    // Assert
    expect(
      listFiles(join(destination, "node_modules")).filter((file) => file.endsWith("package.json"))
    ).toEqual([
      "@img/sharp-libvips-linux-arm64/package.json",
      "@img/sharp-linux-arm64/package.json",
      "sharp/node_modules/detect-libc/package.json",
      "sharp/package.json",
    ]);
  });
});
