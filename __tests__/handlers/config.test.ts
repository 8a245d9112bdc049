import { readAnalyticsConfig, readProcessorConfig } from "../../handlers/lib/config";
import { ConfigError } from "../../handlers/lib/errors";

const PROCESSOR_ENV = {
  THUMBNAILS_BUCKET: "thumbs",
  JOBS_TABLE: "jobs",
  EVENTS_TOPIC_ARN: "arn:aws:sns:ap-south-1:111122223333:events",
};

function configErrorOf(read: () => unknown): ConfigError {
  try {
    read();
  } catch (error) {
    if (error instanceof ConfigError) {
      return error;
    }
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("readProcessorConfig", () => {
  it("applies the documented defaults", () => {
    // Arrange, Act
    const config = readProcessorConfig(PROCESSOR_ENV);

    // Assert
    expect(config).toEqual({
      thumbnailsBucket: "thumbs",
      jobsTable: "jobs",
      eventsTopicArn: PROCESSOR_ENV.EVENTS_TOPIC_ARN,
      thumbnailSize: 128,
      maxInputBytes: 26_214_400,
      maxInputPixels: 40_000_000,
      logLevel: "INFO",
      serviceName: "image-processor",
      maxAttempts: 3,
      connectionTimeoutMs: 3_000,
      requestTimeoutMs: 5_000,
    });
  });

  it.each(["THUMBNAILS_BUCKET", "JOBS_TABLE", "EVENTS_TOPIC_ARN"])(
    "names %s when it is missing or blank",
    (variable) => {
      // Arrange
      const env = { ...PROCESSOR_ENV, [variable]: " " };

      // Act
      const error = configErrorOf(() => readProcessorConfig(env));

      // Assert
      expect(error.variable).toBe(variable);
      expect(error.message).toContain(`${variable} is not set`);
    }
  );

  it.each([
    ["THUMBNAIL_SIZE", "0"],
    ["MAX_INPUT_BYTES", "25MB"],
    ["MAX_INPUT_PIXELS", "-1"],
    ["LOG_LEVEL", "verbose"],
    ["SDK_CONNECTION_TIMEOUT_MS", "3s"],
    ["SDK_REQUEST_TIMEOUT_MS", "0"],
    ["MAX_ATTEMPTS", "three"],
  ])("rejects %s=%s with a message saying what to set", (variable, value) => {
    // Arrange
    const env = { ...PROCESSOR_ENV, [variable]: value };

    // Act
    const error = configErrorOf(() => readProcessorConfig(env));

    // Assert
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(/set it to/);
  });

  it("reads the limits, size, log level, SDK timeouts and attempts when they are set", () => {
    // Arrange
    const env = {
      ...PROCESSOR_ENV,
      THUMBNAIL_SIZE: "256",
      MAX_INPUT_BYTES: "1000",
      MAX_INPUT_PIXELS: "2000",
      LOG_LEVEL: "debug",
      POWERTOOLS_SERVICE_NAME: "thumbs-svc",
      SDK_CONNECTION_TIMEOUT_MS: "1500",
      SDK_REQUEST_TIMEOUT_MS: "8000",
      MAX_ATTEMPTS: "5",
    };

    // Act
    const config = readProcessorConfig(env);

    // Assert
    expect(config).toMatchObject({
      thumbnailSize: 256,
      maxInputBytes: 1000,
      maxInputPixels: 2000,
      logLevel: "DEBUG",
      serviceName: "thumbs-svc",
      connectionTimeoutMs: 1500,
      requestTimeoutMs: 8000,
      maxAttempts: 5,
    });
  });
});

describe("readAnalyticsConfig", () => {
  it("defaults the prefix to image-events and trims slashes from a given one", () => {
    // Arrange, Act
    const defaults = readAnalyticsConfig({ ANALYTICS_BUCKET: "lake" });
    const trimmed = readAnalyticsConfig({
      ANALYTICS_BUCKET: "lake",
      ANALYTICS_PREFIX: "/events/v1/",
    });

    // Assert
    expect(defaults).toEqual({
      analyticsBucket: "lake",
      analyticsPrefix: "image-events",
      logLevel: "INFO",
      serviceName: "analytics-logger",
      connectionTimeoutMs: 3_000,
      requestTimeoutMs: 5_000,
    });
    expect(trimmed.analyticsPrefix).toBe("events/v1");
  });

  it("names ANALYTICS_BUCKET when it is missing", () => {
    // Arrange, Act
    const error = configErrorOf(() => readAnalyticsConfig({}));

    // Assert
    expect(error.variable).toBe("ANALYTICS_BUCKET");
  });

  it("rejects a prefix made only of slashes", () => {
    // Arrange, Act
    const error = configErrorOf(() =>
      readAnalyticsConfig({ ANALYTICS_BUCKET: "lake", ANALYTICS_PREFIX: "//" })
    );

    // Assert
    expect(error.variable).toBe("ANALYTICS_PREFIX");
  });
});
