import { createProcessorClients } from "./lib/clients";
import { readProcessorConfig } from "./lib/config";
import { type ImageProcessorHandler, createImageProcessor } from "./lib/image-processor-handler";
import { createLogger } from "./lib/logger";

const config = readProcessorConfig(process.env);

/**
 * Lambda entry of the image processor (S3 ObjectCreated events of the uploads
 * bucket). Configuration and clients are set up once, at cold start.
 */
export const handler: ImageProcessorHandler = createImageProcessor({
  config,
  ...createProcessorClients(config),
  logger: createLogger(config),
});
