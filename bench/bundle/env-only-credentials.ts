/**
 * Stands in for @aws-sdk/credential-provider-node in one comparison bundle:
 * a Lambda function always gets its role's credentials in environment
 * variables, so the rest of the default chain (SSO, ini files, processes,
 * web identity, instance metadata) is code it never runs.
 */
import { fromEnv } from "@aws-sdk/credential-provider-env";

/** The default chain reduced to its first link, environment variables. */
export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);

/** Same meaning as the replaced package's export of this name. */
export const credentialsTreatedAsExpired = (credentials?: { expiration?: Date }) =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;
