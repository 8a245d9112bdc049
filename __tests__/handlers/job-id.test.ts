import { computeJobId } from "../../handlers/lib/job-id";

describe("computeJobId", () => {
  const base = { bucket: "uploads", key: "photos/a.jpg", sequencer: "0065A1B2C3D4E5F601" };

  it("gives the same id for the same upload delivered twice", () => {
    // Arrange
    const again = { ...base };

    // Act
    const ids = [computeJobId(base), computeJobId(again)];

    // Assert
    expect(ids[0]).toMatch(/^job-[0-9a-f]{32}$/);
    expect(ids[0]).toBe(ids[1]);
  });

  it("gives different ids for another key, bucket, sequencer or version", () => {
    // Arrange
    const variants = [
      base,
      { ...base, key: "photos/b.jpg" },
      { ...base, bucket: "other" },
      { ...base, sequencer: "0065A1B2C3D4E5F602" },
      { ...base, versionId: "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY" },
    ];

    // Act
    const ids = new Set(variants.map(computeJobId));

    // Assert
    expect(ids.size).toBe(variants.length);
  });

  it("keeps parts apart: a slash moved between bucket and key changes the id", () => {
    // Arrange
    const left = { bucket: "a/b", key: "c", sequencer: "1" };
    const right = { bucket: "a", key: "b/c", sequencer: "1" };

    // Act, Assert
    expect(computeJobId(left)).not.toBe(computeJobId(right));
  });

  it("prefers the version id to the sequencer, so a versioned upload maps to one job", () => {
    // Arrange
    const first = { ...base, versionId: "v1", sequencer: "01" };
    const redelivered = { ...base, versionId: "v1", sequencer: "02" };

    // Act, Assert
    expect(computeJobId(first)).toBe(computeJobId(redelivered));
  });
});
