#!/usr/bin/python3
"""The reference two-view augmentation (kakaobrain/scrl augment/getters.py, type simclr) timed on
images written by the Java benchmark, so both sides augment the same pixels.

    /usr/bin/python3 deploy/bench/pil_augment.py --images FILE --size 224 [--scale 0.2 1.0]

FILE: little-endian int32 count, width, height, then count * height * width * 3 bytes of RGB.
Prints one "ready ..." line with the library versions, then for every line "run" read on stdin
times one pass (both views of every image, single thread) and prints "seconds <float>".
Called by org.elasticscrl.core.augment.AugmentBenchmark, which interleaves Java and Python rounds.
"""
import argparse
import struct
import sys
import time

import numpy as np
import PIL
import torch
import torchvision
from PIL import Image, ImageOps
from torchvision import transforms as T

BICUBIC = T.InterpolationMode.BICUBIC
MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


class ResizeBlur:
    """augment/gaussian_blur.py: shrink by 1.1, 1.2 or 1.5 and enlarge back, bicubic."""

    def __init__(self, max_level=3):
        self.factors = [1.1, 1.2, 1.5, 2.0, 4.0, 8.0]
        self.max_level = max_level

    def __call__(self, img):
        level = np.random.randint(0, self.max_level)
        w, h = img.size
        img = T.functional.resize(img, (int(h // self.factors[level]), int(w // self.factors[level])),
                                  interpolation=BICUBIC)
        return T.functional.resize(img, (h, w), interpolation=BICUBIC)


class Solarize:
    """augment/transforms.py: ImageOps.solarize at round(0.5 * 256) = 128."""

    def __call__(self, img):
        return ImageOps.solarize(img, 128)


def view(size, scale, p_blur, p_solarize):
    """augment/getters.py get_simclr_transforms_in_byol."""
    return T.Compose([
        T.RandomResizedCrop(size, scale=scale, interpolation=BICUBIC),
        T.RandomHorizontalFlip(p=0.5),
        T.RandomApply([T.ColorJitter(0.4, 0.4, 0.2, 0.1)], p=0.8),
        T.RandomGrayscale(p=0.2),
        T.RandomApply([ResizeBlur()], p=p_blur),
        T.RandomApply([Solarize()], p=p_solarize),
        T.ToTensor(),
        T.Normalize(MEAN, STD),
    ])


def read_images(path):
    with open(path, "rb") as f:
        count, width, height = struct.unpack("<3i", f.read(12))
        data = np.frombuffer(f.read(count * height * width * 3), dtype=np.uint8)
    if data.size != count * height * width * 3:
        sys.exit(f"{path}: expected {count} images of {width}x{height}, file is short")
    return [Image.fromarray(a, "RGB") for a in data.reshape(count, height, width, 3)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", required=True)
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--scale", type=float, nargs=2, default=(0.2, 1.0))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)  # per-core figures: the PIL pipeline is single-threaded anyway
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    images = read_images(args.images)
    views = (view(args.size, tuple(args.scale), 1.0, 0.0), view(args.size, tuple(args.scale), 0.1, 0.2))
    print(f"ready torch {torch.__version__}, torchvision {torchvision.__version__}, PIL {PIL.__version__}",
          flush=True)
    for line in sys.stdin:
        if line.strip() != "run":
            sys.exit(f"unexpected command {line.strip()!r}; only 'run' is understood")
        start = time.perf_counter()
        for img in images:
            for v in views:
                v(img)
        print(f"seconds {time.perf_counter() - start:.6f}", flush=True)


if __name__ == "__main__":
    main()
