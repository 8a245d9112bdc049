import { createAnalyticsClients } from "./lib/clients";
import { readAnalyticsConfig } from "./lib/config";
import { type AnalyticsLoggerHandler, createAnalyticsLogger } from "./lib/analytics-logger-handler";
import { createLogger } from "./lib/logger";

const config = readAnalyticsConfig(process.env);

/**
 * Lambda entry of the analytics logger (SNS messages of the image events
 * topic). Configuration and clients are set up once, at cold start.
 */
export const handler: AnalyticsLoggerHandler = createAnalyticsLogger({
  config,
  ...createAnalyticsClients(config),
  logger: createLogger(config),
});
