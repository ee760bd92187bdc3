#!/usr/bin/python3
"""Golden outputs of the reference augmentations (torchvision 0.14 + PIL 9.4) for the Java tests.

Run from the repository root with Debian's interpreter (it has torch, torchvision and PIL):
    /usr/bin/python3 worker/src/test/python/generate_augment_fixtures.py
Writes worker/src/test/resources/fixtures/augment.json. Images and 8-bit outputs are base64 of
raw interleaved RGB rows; the eval transforms' outputs are the normalised CHW float32 values. The
Java build never runs this; the committed JSON is what AugmentGoldenTest reads.
"""
import base64
import json
import os

import numpy as np
import PIL
import torch
import torchvision
import torchvision.transforms.functional as F
from PIL import Image, ImageOps
from torchvision import transforms as T

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures", "augment.json")
BICUBIC = T.InterpolationMode.BICUBIC
FACTORS = [1.1, 1.2, 1.5]  # the reference ResizeBlur's first three levels


def b64(img):
    return base64.b64encode(np.asarray(img, dtype=np.uint8).tobytes()).decode("ascii")


def encode(name, img):
    return {"name": name, "width": img.size[0], "height": img.size[1], "rgb": b64(img)}


def make_images(rs):
    """Noise (worst case for resampling overshoot), a smooth scene, and a palette of colours."""
    noise = rs.randint(0, 256, (29, 37, 3)).astype(np.uint8)
    y, x = np.mgrid[0:29, 0:37].astype(np.float64)
    smooth = np.stack([
        128 + 100 * np.sin(x / 5.0 + y / 9.0),
        60 + 4 * x + 2 * y,
        200 - 5 * y + 20 * np.cos(x / 3.0),
    ], axis=-1) + rs.normal(0, 6, (29, 37, 3))
    smooth = np.clip(np.rint(smooth), 0, 255).astype(np.uint8)
    palette = rs.randint(0, 256, (24, 24, 3)).astype(np.uint8)
    # rows of exact greys, primaries, ties between channels and near-greys: the HSV edge cases
    specials = [[v, v, v] for v in range(0, 256, 6)]
    specials += [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0], [0, 255, 255], [255, 0, 255],
                 [200, 200, 10], [10, 200, 200], [200, 10, 200], [128, 127, 127], [1, 0, 0],
                 [0, 0, 1], [255, 254, 255], [37, 37, 36], [250, 3, 3]]
    flat = palette.reshape(-1, 3)
    flat[:len(specials)] = np.array(specials, dtype=np.uint8)
    return {
        "noise": Image.fromarray(noise, "RGB"),
        "smooth": Image.fromarray(smooth, "RGB"),
        "palette": Image.fromarray(flat.reshape(24, 24, 3), "RGB"),
    }


def resized_crops(images):
    """(image, top, left, height, width, out_h, out_w, flip): torchvision's resized_crop, then hflip."""
    specs = [
        ("noise", 0, 0, 29, 37, 16, 16, False),    # down, non-square source
        ("noise", 0, 0, 29, 37, 24, 24, True),
        ("noise", 3, 5, 20, 11, 24, 24, False),    # up horizontally, up vertically
        ("noise", 7, 2, 9, 30, 16, 16, True),      # down horizontally, up vertically
        ("noise", 1, 1, 16, 16, 16, 16, True),     # no resampling at all, flip only
        ("noise", 2, 4, 24, 16, 24, 16, False),    # width unchanged: vertical pass only
        ("noise", 2, 4, 16, 33, 16, 24, True),     # height unchanged: horizontal pass only
        ("smooth", 4, 6, 25, 31, 24, 24, False),
        ("smooth", 0, 0, 29, 37, 7, 5, False),     # strong downscale, wide support
        ("smooth", 10, 20, 3, 4, 24, 24, True),    # strong upscale of a tiny crop
        ("palette", 0, 0, 24, 24, 37, 29, False),  # non-square output
    ]
    cases = []
    for name, top, left, h, w, oh, ow, flip in specs:
        out = F.resized_crop(images[name], top, left, h, w, [oh, ow], BICUBIC)
        if flip:
            out = F.hflip(out)
        cases.append({"image": name, "top": top, "left": left, "height": h, "width": w,
                      "out_height": oh, "out_width": ow, "flip": flip, "expected": b64(out)})
    return cases


def colour_ops(images):
    ops = {
        "brightness": (F.adjust_brightness, [0.0, 0.6, 0.8137, 1.0, 1.2391, 1.4, 2.5]),
        "contrast": (F.adjust_contrast, [0.0, 0.6, 0.9013, 1.0, 1.1774, 1.4, 3.0]),
        "saturation": (F.adjust_saturation, [0.0, 0.8, 0.9521, 1.0, 1.0634, 1.2, 2.0]),
        "hue": (F.adjust_hue, [-0.5, -0.1, -0.0731, -0.0039, -0.003, 0.0, 0.0021, 0.0047, 0.05, 0.1, 0.5]),
    }
    cases = []
    for op, (fn, factors) in ops.items():
        for factor in factors:
            # pointwise ops on the palette; contrast also on a scene, its grey level is the mean
            for name in (["palette", "smooth"] if op == "contrast" else ["palette"]):
                cases.append({"op": op, "factor": factor, "image": name,
                              "expected": b64(fn(images[name], factor))})
    cases.append({"op": "grayscale", "factor": 0.0, "image": "palette",
                  "expected": b64(F.rgb_to_grayscale(images["palette"], 3))})
    cases.append({"op": "solarize", "factor": 128.0, "image": "palette",
                  "expected": b64(ImageOps.solarize(images["palette"], 128))})
    return cases


def resize_blur(img, level):
    """The reference's ResizeBlur.__call__ with its level fixed."""
    w, h = img.size
    down = (int(h // FACTORS[level]), int(w // FACTORS[level]))
    img = F.resize(img, down, interpolation=BICUBIC)
    return F.resize(img, (h, w), interpolation=BICUBIC)


def blurs(images):
    cases = []
    for size in [16, 24]:
        for name in ["noise", "smooth"]:
            view = F.resized_crop(images[name], 0, 0, 29, 37, [size, size], BICUBIC)
            for level in range(3):
                cases.append({"image": name, "size": size, "level": level, "input": b64(view),
                              "expected": b64(resize_blur(view, level))})
    return cases


def normalised(img):
    """ToTensor + Normalize, as base64 of little-endian float32 CHW values."""
    t = T.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))(T.ToTensor()(img))
    return base64.b64encode(t.numpy().astype("<f4").tobytes()).decode("ascii")


def evals(images):
    cases = []
    for size, name in [(16, "noise"), (24, "noise"), (16, "palette")]:
        test = T.Compose([T.Resize(round(size * (size + 32) / size), interpolation=BICUBIC),
                          T.CenterCrop(size)])
        whole = T.Resize((size, size), interpolation=BICUBIC)
        cases.append({"kind": "center_crop", "image": name, "size": size,
                      "expected": normalised(test(images[name]))})
        cases.append({"kind": "resize_whole", "image": name, "size": size,
                      "expected": normalised(whole(images[name]))})
    return cases


def pipelines(images):
    """Whole views with every random choice fixed: crop, flip, jitter order and factors, grayscale,
    blur level, solarize; applied with the same torchvision/PIL calls as the reference."""
    plans = [
        ("smooth", [3, 2, 22, 30], True, [[2, 0, 3, 1], 0.71, 1.33, 0.86, -0.083], False, 0, False),
        ("smooth", [0, 0, 29, 37], False, [[1, 3, 0, 2], 1.37, 0.62, 1.19, 0.094], False, 2, True),
        ("noise", [5, 9, 17, 14], True, None, True, 1, False),
        ("noise", [2, 1, 25, 33], False, [[3, 1, 2, 0], 0.95, 1.08, 0.81, 0.012], True, -1, True),
        ("palette", [3, 4, 19, 17], True, [[0, 1, 2, 3], 1.21, 0.77, 1.02, -0.0421], False, 1, True),
    ]
    ops = [F.adjust_brightness, F.adjust_contrast, F.adjust_saturation, F.adjust_hue]
    cases = []
    for size in [16, 24]:
        for name, (top, left, h, w), flip, jitter, gray, level, solarize in plans:
            img = F.resized_crop(images[name], top, left, h, w, [size, size], BICUBIC)
            if flip:
                img = F.hflip(img)
            if jitter is not None:
                order, *factors = jitter
                for op in order:
                    img = ops[op](img, factors[op])
            if gray:
                img = F.rgb_to_grayscale(img, 3)
            if level >= 0:
                img = resize_blur(img, level)
            if solarize:
                img = ImageOps.solarize(img, 128)
            cases.append({"image": name, "size": size, "box": [top, left, h, w], "flip": flip,
                          "jitter": jitter, "grayscale": gray, "blur_level": level,
                          "solarize": solarize, "expected": b64(img)})
    return cases


def main():
    images = make_images(np.random.RandomState(20210522))
    fixture = {
        "versions": {"torch": torch.__version__, "torchvision": torchvision.__version__,
                     "pil": PIL.__version__, "numpy": np.__version__},
        "images": [encode(n, im) for n, im in images.items()],
        "resized_crop": resized_crops(images),
        "colour": colour_ops(images),
        "resize_blur": blurs(images),
        "eval": evals(images),
        "pipeline": pipelines(images),
        # ResizeBlur's int(side // factor), Python float floor division, for every side up to 600
        "floor_div": {str(f): [int(side // f) for side in range(1, 601)] for f in FACTORS},
    }
    with open(OUT, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
    print(f"wrote {os.path.normpath(OUT)}: {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
