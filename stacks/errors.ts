/**
 * Base class of every error raised while building the infrastructure: a bad
 * setting, a broken policy template. The message says what is wrong and which
 * setting or file fixes it.
 */
export class StackError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StackError";
  }
}

/** A configuration value (usually an environment variable) is invalid. */
export class ConfigError extends StackError {
  /** The environment variable or config field that holds the bad value. */
  readonly setting: string;

  constructor(setting: string, message: string) {
    super(`${setting}: ${message}`);
    this.name = "ConfigError";
    this.setting = setting;
  }
}

/** The instructor policy template cannot be read or rendered. */
export class PolicyTemplateError extends StackError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PolicyTemplateError";
  }
}
