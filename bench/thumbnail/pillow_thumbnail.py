"""Child process of the thumbnail bench: times Pillow's thumbnail() in process.

Usage: pillow_thumbnail.py <input> <mode> <iterations> <warm-up> <output>
Prints {"timesMs": [...], "cpuMs": [...], "bytes": n} on stdout: wall and
process CPU time of each timed run. "draft" is Image.thumbnail()
as documented, which lets the JPEG decoder scale down by up to 8 while it
decodes; "exif-transpose" applies ImageOps.exif_transpose() first, as code that
honours camera orientation does, which decodes every pixel before the
thumbnail is made. Two modes make no thumbnail and write an empty output:
"decode" decodes every pixel, "draft-decode" decodes with the same 1/8 draft
that thumbnail() asks for, so that decoding and resizing can be told apart.
"""

import io
import json
import sys
import time

from PIL import Image, ImageOps

SIZE = (128, 128)


MODES = ("draft", "exif-transpose", "decode", "draft-decode")


def make(data, mode):
    image = Image.open(io.BytesIO(data))
    if mode in ("decode", "draft-decode"):
        if mode == "draft-decode":
            # What thumbnail() requests: the size times its default reducing_gap of 2.
            image.draft("RGB", (SIZE[0] * 2, SIZE[1] * 2))
        image.load()
        return b""
    if mode == "exif-transpose":
        image = ImageOps.exif_transpose(image)
    image.thumbnail(SIZE)
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()


def main():
    path, mode, iterations, warm_up, output_path = sys.argv[1:6]
    if mode not in MODES:
        raise SystemExit(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
    with open(path, "rb") as handle:
        data = handle.read()
    output = b""
    for _ in range(int(warm_up)):
        output = make(data, mode)
    times = []
    cpu = []
    for _ in range(int(iterations)):
        cpu_started = time.process_time()
        started = time.perf_counter()
        output = make(data, mode)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    with open(output_path, "wb") as handle:
        handle.write(output)
    print(json.dumps({"timesMs": times, "cpuMs": cpu, "bytes": len(output)}))


if __name__ == "__main__":
    main()
