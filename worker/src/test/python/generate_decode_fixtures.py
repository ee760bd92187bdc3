#!/usr/bin/python3
"""Image files in every colour model PIL decodes, and PIL 9.4's convert("RGB") of each, for ImageDecoderGoldenTest.

Run from the repository root with Debian's interpreter (it has PIL and numpy):
    /usr/bin/python3 worker/src/test/python/generate_decode_fixtures.py
Writes the images into worker/src/test/resources/fixtures/decode/ and, beside them, decode.json: per file its
width, height and the base64 of PIL's RGB rows. The Java build never runs this; the committed files are what the
test reads.
"""
import base64
import io
import json
import os
import struct
import zlib

import numpy as np
import PIL
from PIL import Image

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures", "decode")
W, H = 37, 29


def scene(rs, channels, top=255):
    """A smooth gradient with noise: both JPEG's smooth and busy cases, every value range reached."""
    y, x = np.mgrid[0:H, 0:W].astype(np.float64)
    planes = []
    for c in range(channels):
        base = 0.5 + 0.45 * np.sin(x / (4.0 + c) + y / (6.0 + 2 * c) + c)
        planes.append(np.clip(base * top + rs.normal(0, top / 12, (H, W)), 0, top))
    return np.stack(planes, axis=-1).round()


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png16(values, colour_type):
    """A 16-bit PNG written by hand: PIL cannot write 16-bit colour."""
    rows = b"".join(b"\x00" + v.astype(">u2").tobytes() for v in values.reshape(H, -1))
    header = struct.pack(">IIBBBBB", W, H, 16, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(rows))
            + png_chunk(b"IEND", b""))


def ycck_from_cmyk_jpeg(data):
    """An Adobe YCCK JPEG (as Photoshop writes them): a 4-channel JPEG whose Adobe marker says transform 2."""
    i = data.index(b"\xff\xee")
    length = struct.unpack(">H", data[i + 2:i + 4])[0]
    marker = bytearray(data[i:i + 2 + length])
    assert marker[4:9] == b"Adobe" and marker[15] == 0, marker
    marker[15] = 2
    return data[:i] + bytes(marker) + data[i + 2 + length:]


def files(rs):
    out = {}
    cmyk = Image.fromarray(scene(rs, 4).astype(np.uint8), "CMYK")
    buf = io.BytesIO()
    cmyk.save(buf, "JPEG", quality=90)
    out["cmyk_adobe.jpg"] = buf.getvalue()  # PIL writes Adobe's inverted CMYK with an APP14 marker
    # the same channels read as Y, Cb, Cr, K: a valid YCCK file whose colours span the whole range
    out["ycck_adobe.jpg"] = ycck_from_cmyk_jpeg(buf.getvalue())
    rgb = Image.fromarray(scene(rs, 3).astype(np.uint8), "RGB")
    buf = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees to view — PIL's convert leaves the pixels as stored
    rgb.save(buf, "JPEG", quality=90, exif=exif)
    out["rgb_exif_rotated.jpg"] = buf.getvalue()
    buf = io.BytesIO()
    rgb.convert("L").save(buf, "JPEG", quality=90)
    out["gray.jpg"] = buf.getvalue()
    out["rgb16.png"] = png16(scene(rs, 3, 65535), 2)
    out["rgba16.png"] = png16(scene(rs, 4, 65535), 6)
    out["gray16.png"] = png16(scene(rs, 1, 1023), 0)  # mostly above 255: PIL's I -> RGB clips them
    out["gray_alpha16.png"] = png16(scene(rs, 2, 65535), 4)
    palette = Image.fromarray(scene(rs, 3).astype(np.uint8), "RGB").quantize(colors=13)
    buf = io.BytesIO()
    palette.save(buf, "PNG", transparency=bytes([0, 128, 255] + [255] * 10))
    out["palette_transparency.png"] = buf.getvalue()
    buf = io.BytesIO()
    Image.fromarray(scene(rs, 2).astype(np.uint8), "LA").save(buf, "PNG")
    out["gray_alpha.png"] = buf.getvalue()
    buf = io.BytesIO()
    Image.fromarray(scene(rs, 1)[..., 0].astype(np.uint8), "L").convert("1").save(buf, "PNG")
    out["bilevel.png"] = buf.getvalue()
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    golden = {"pil": PIL.__version__, "files": []}
    for name, data in files(np.random.RandomState(20)).items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        im = Image.open(io.BytesIO(data))
        rgb = im.convert("RGB")
        golden["files"].append({"name": name, "mode": im.mode, "width": rgb.size[0], "height": rgb.size[1],
                                "rgb": base64.b64encode(np.asarray(rgb, dtype=np.uint8).tobytes()).decode("ascii")})
    with open(os.path.join(OUT, "decode.json"), "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
