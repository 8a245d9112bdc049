import { Logger } from "@aws-lambda-powertools/logger";

import type { LogLevelName } from "./config";

/** Settings of a handler's logger. */
export interface LoggerSettings {
  readonly serviceName: string;
  readonly logLevel: LogLevelName;
}

/**
 * Creates the structured logger of a handler: one JSON object per line with
 * level, message, timestamp, service and, once the handler adds the Lambda
 * context, cold start and request id.
 */
export function createLogger(settings: LoggerSettings): Logger {
  return new Logger({ serviceName: settings.serviceName, logLevel: settings.logLevel });
}
