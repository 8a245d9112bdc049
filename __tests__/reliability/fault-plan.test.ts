import type { AwsCall } from "../../local/faults/aws-call";
import { FaultPlan, FaultPlanError, FaultRule } from "../../local/faults/fault-plan";

const GET: AwsCall = {
  service: "s3",
  operation: "GetObject",
  action: "s3:GetObject",
  resource: "arn:aws:s3:::uploads/a.jpg",
};

function decisions(
  plan: FaultPlan,
  calls: AwsCall[],
  fn = "image-processor",
): (string | undefined)[] {
  return calls.map((call) => plan.decide(fn, call)?.kind);
}

function manyObjects(count: number): AwsCall[] {
  return Array.from({ length: count }, (_, i) => ({
    ...GET,
    resource: `arn:aws:s3:::uploads/${i}.jpg`,
  }));
}

describe("FaultPlan", () => {
  it("takes the same decisions for the same seed and calls", () => {
    // Arrange
    const rules: FaultRule[] = [{ kind: "throttle", service: "s3", rate: 0.5 }];
    const calls = manyObjects(200);

    // Act
    const first = decisions(new FaultPlan({ seed: 42, rules }), calls);
    const second = decisions(new FaultPlan({ seed: 42, rules }), [...calls].reverse()).reverse();
    const otherSeed = decisions(new FaultPlan({ seed: 43, rules }), calls);

    // Assert
    expect(second).toEqual(first);
    expect(otherSeed).not.toEqual(first);
  });

  it("injects about the rate asked for", () => {
    // Arrange
    const plan = new FaultPlan({
      seed: 1,
      rules: [{ kind: "server-error", service: "s3", rate: 0.3 }],
    });

    // Act
    const injected = decisions(plan, manyObjects(2000)).filter(Boolean).length;

    // Assert
    expect(injected).toBeGreaterThan(500);
    expect(injected).toBeLessThan(700);
    expect(plan.injected["server-error"]).toBe(injected);
  });

  it("stops faulting one call after maxPerCall faults, across rules", () => {
    // Arrange
    const plan = new FaultPlan({
      seed: 1,
      rules: [
        { kind: "drop", service: "s3", maxPerCall: 2 },
        { kind: "throttle", service: "s3", maxPerCall: 3 },
      ],
    });

    // Act
    const kinds = decisions(
      plan,
      Array.from({ length: 5 }, () => GET),
    );

    // Assert
    expect(kinds).toEqual(["drop", "drop", "throttle", undefined, undefined]);
  });

  it("matches by service, operation, resource and function name", () => {
    // Arrange
    const plan = new FaultPlan({
      seed: 1,
      rules: [
        {
          kind: "timeout",
          service: "s3",
          operations: ["PutObject"],
          resourceIncludes: "thumbnails/slow/",
          functionName: "image-processor",
        },
      ],
    });
    const put = { ...GET, operation: "PutObject", action: "s3:PutObject" };

    // Act
    const kinds = [
      plan.decide("x-image-processor", { ...put, resource: "arn:aws:s3:::thumbnails/slow/a" })
        ?.kind,
      plan.decide("x-image-processor", { ...put, resource: "arn:aws:s3:::thumbnails/a" })?.kind,
      plan.decide("x-image-processor", { ...GET, resource: "arn:aws:s3:::thumbnails/slow/a" })
        ?.kind,
      plan.decide("x-analytics-logger", { ...put, resource: "arn:aws:s3:::thumbnails/slow/a" })
        ?.kind,
    ];

    // Assert
    expect(kinds).toEqual(["timeout", undefined, undefined, undefined]);
    expect(plan.injectedByOperation).toEqual({ "timeout s3:PutObject": 1 });
  });

  it("rejects a rule with an unknown kind, naming the rule and the field", () => {
    // Arrange
    const spec = { seed: 1, rules: [{ kind: "explode", service: "s3" } as unknown as FaultRule] };

    // Act
    const build = () => new FaultPlan(spec);

    // Assert
    expect(build).toThrow(FaultPlanError);
    expect(build).toThrow(/rule 0: "kind" must be one of throttle, server-error/);
  });

  it("rejects a rate outside 0 to 1", () => {
    // Act
    const build = () =>
      new FaultPlan({ seed: 1, rules: [{ kind: "drop", service: "sns", rate: 1.5 }] });

    // Assert
    expect(build).toThrow(/"rate" must be a number from 0 to 1, got 1.5/);
  });
});
