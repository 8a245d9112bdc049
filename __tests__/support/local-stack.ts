/**
 * The synthesized local stage that `__tests__/global-setup.ts` built for this
 * run; suites that start local mode pass it as `--stack-json`.
 */
export function localStackJson(): string {
  const path = process.env.LOCAL_STACK_JSON;
  if (!path) throw new Error("LOCAL_STACK_JSON is unset: run the suites through jest.config.js, whose globalSetup builds it");

  return path;
}
