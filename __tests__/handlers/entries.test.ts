const PROCESSOR_VARIABLES = ["THUMBNAILS_BUCKET", "JOBS_TABLE", "EVENTS_TOPIC_ARN"];
const ANALYTICS_VARIABLES = ["ANALYTICS_BUCKET"];
const saved = { ...process.env };

afterEach(() => {
  for (const name of [...PROCESSOR_VARIABLES, ...ANALYTICS_VARIABLES]) {
    if (saved[name] === undefined) {
      delete process.env[name];
    } else {
      process.env[name] = saved[name];
    }
  }
});

function loadEntry(path: string): { handler?: unknown } {
  let loaded: { handler?: unknown } = {};
  jest.isolateModules(() => {
    loaded = require(path) as { handler?: unknown };
  });

  return loaded;
}

describe("Lambda entry files", () => {
  it("fail at cold start with a ConfigError naming the first missing processor variable", () => {
    // Arrange
    for (const name of PROCESSOR_VARIABLES) {
      delete process.env[name];
    }
    process.env.JOBS_TABLE = "jobs";

    // Act
    let thrown: unknown;
    try {
      loadEntry("../../handlers/image-processor");
    } catch (error) {
      thrown = error;
    }

    // Assert: an isolated module registry has its own ConfigError class, so the name is compared.
    expect(thrown).toMatchObject({ name: "ConfigError", variable: "THUMBNAILS_BUCKET" });
    expect((thrown as Error).message).toMatch(/THUMBNAILS_BUCKET is not set/);
  });

  it("fail at cold start with a ConfigError naming ANALYTICS_BUCKET when it is missing", () => {
    // Arrange
    delete process.env.ANALYTICS_BUCKET;

    // Act
    const load = () => loadEntry("../../handlers/analytics-logger");

    // Assert
    expect(load).toThrow(/ANALYTICS_BUCKET is not set/);
  });

  it("export a handler function once the environment is complete", () => {
    // Arrange
    process.env.THUMBNAILS_BUCKET = "thumbs";
    process.env.JOBS_TABLE = "jobs";
    process.env.EVENTS_TOPIC_ARN = "arn:aws:sns:ap-south-1:111122223333:events";
    process.env.ANALYTICS_BUCKET = "lake";

    // Act
    const processor = loadEntry("../../handlers/image-processor");
    const analytics = loadEntry("../../handlers/analytics-logger");

    // Assert
    expect(typeof processor.handler).toBe("function");
    expect(typeof analytics.handler).toBe("function");
  });
});
