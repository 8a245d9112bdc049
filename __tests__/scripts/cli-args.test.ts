import { parseFlags, UsageError } from "../../scripts/lib/cli-args";

describe("parseFlags", () => {
  const spec = { stage: "value", cli: "switch" } as const;

  it("reads --name value, --name=value and switches", () => {
    // Act
    const spaced = parseFlags(["--stage", "prod", "--cli"], spec);
    const inline = parseFlags(["--stage=prod"], spec);

    // Assert
    expect(spaced).toEqual({ stage: "prod", cli: "true" });
    expect(inline).toEqual({ stage: "prod" });
  });

  it("rejects an unknown flag, listing the accepted ones", () => {
    // Act
    const parse = () => parseFlags(["--stge", "prod"], spec);

    // Assert
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow('unknown argument "--stge"; accepted: --stage, --cli');
  });

  it("rejects a flag without its value", () => {
    // Act
    const atEnd = () => parseFlags(["--stage"], spec);
    const beforeFlag = () => parseFlags(["--stage", "--cli"], spec);

    // Assert
    expect(atEnd).toThrow("--stage needs a value");
    expect(beforeFlag).toThrow("--stage needs a value");
  });

  it("rejects a value given to a switch and a bare word", () => {
    // Act
    const switchValue = () => parseFlags(["--cli=yes"], spec);
    const bare = () => parseFlags(["prod"], spec);

    // Assert
    expect(switchValue).toThrow("--cli takes no value");
    expect(bare).toThrow('unknown argument "prod"');
  });
});
