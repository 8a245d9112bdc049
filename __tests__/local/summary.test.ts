import { emulatorKeyProblem, TrackedUpload } from "../../local/job-tracker";
import { UploadResult } from "../../local/results";
import { summarize } from "../../local/summary";

function upload(key: string, extra: Partial<TrackedUpload> = {}): UploadResult {
  return { upload: { file: `/in/${key}`, key, bytes: 1, duplicates: 0, ...extra } };
}

describe("summarize", () => {
  it("counts a finished job by its record's status", () => {
    const done: UploadResult = {
      ...upload("a.jpg", { document: { status: "SUCCEEDED" }, uploadedAt: 10, finishedAt: 52 }),
      record: { status: "SUCCEEDED", thumbnailWidth: 128, thumbnailHeight: 85, thumbnailBytes: 900 },
    };

    const summary = summarize([done]);

    expect(summary.rows[0]).toMatchObject({ status: "SUCCEEDED", latencyMs: 42 });
    expect(summary.problems).toEqual([]);
  });

  it("reports an unfinished job as lost, with the function's failure when known", () => {
    const summary = summarize([upload("a.jpg")], {
      failures: new Map([["a.jpg", "the image processor failed 3 time(s): Runtime.InitError: boom"]]),
    });

    expect(summary.rows[0].status).toBe("LOST");
    expect(summary.problems[0]).toContain("Runtime.InitError: boom");
  });

  it("reports unfinished jobs of an interrupted run as interrupted, not lost", () => {
    const summary = summarize([upload("a.jpg")], { interrupted: true });

    expect(summary.rows[0].status).toBe("INTERRUPTED");
    expect(summary.problems).toEqual([]);
  });

  it("keeps a file the emulator cannot store as skipped, with the reason, without failing the run", () => {
    const key = `${"a".repeat(240)}.jpg`;
    const reason = emulatorKeyProblem(key)!;

    const summary = summarize([upload(key, { notUploaded: { status: "SKIPPED", reason } })]);

    expect(reason).toMatch(/cannot store one of 244 bytes/);
    expect(summary.rows[0]).toMatchObject({ status: "SKIPPED", detail: reason });
    expect(summary.problems).toEqual([]);
  });

  it("counts a failed upload and an unexpected status as problems", () => {
    const summary = summarize(
      [
        upload("x.jpg", { notUploaded: { status: "UPLOAD_FAILED", reason: "ECONNRESET" } }),
        { ...upload("y.jpg", { document: { status: "FAILED" } }), record: { status: "FAILED", errorReason: "empty" } },
      ],
      { expected: new Map([["y.jpg", "SUCCEEDED"]]) },
    );

    expect(summary.problems).toEqual(["x.jpg: upload_failed (ECONNRESET)", "y.jpg: ended FAILED, expected SUCCEEDED"]);
  });
});

describe("emulatorKeyProblem", () => {
  it("accepts keys whose every segment fits a file name, in bytes", () => {
    expect(emulatorKeyProblem(`dir/${"é".repeat(118)}`)).toBeUndefined();
    expect(emulatorKeyProblem(`dir/${"é".repeat(119)}`)).toMatch(/238 bytes/);
  });
});
