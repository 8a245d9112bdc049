"""Child process of the thumbnail bench: times Pillow's thumbnail() in process.

Usage: pillow_thumbnail.py <input> <draft|exif-transpose> <iterations> <warm-up> <output>
Prints {"timesMs": [...], "bytes": n} on stdout. "draft" is Image.thumbnail()
as documented, which lets the JPEG decoder scale down by up to 8 while it
decodes; "exif-transpose" applies ImageOps.exif_transpose() first, as code that
honours camera orientation does, which decodes every pixel before the
thumbnail is made.
"""

import io
import json
import sys
import time

from PIL import Image, ImageOps

SIZE = (128, 128)


def make(data, mode):
    image = Image.open(io.BytesIO(data))
    if mode == "exif-transpose":
        image = ImageOps.exif_transpose(image)
    image.thumbnail(SIZE)
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()


def main():
    path, mode, iterations, warm_up, output_path = sys.argv[1:6]
    if mode not in ("draft", "exif-transpose"):
        raise SystemExit(f"unknown mode {mode!r}: use draft or exif-transpose")
    with open(path, "rb") as handle:
        data = handle.read()
    output = b""
    for _ in range(int(warm_up)):
        output = make(data, mode)
    times = []
    for _ in range(int(iterations)):
        started = time.perf_counter()
        output = make(data, mode)
        times.append((time.perf_counter() - started) * 1000)
    with open(output_path, "wb") as handle:
        handle.write(output)
    print(json.dumps({"timesMs": times, "bytes": len(output)}))


if __name__ == "__main__":
    main()
