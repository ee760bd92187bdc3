#!/usr/bin/python3
"""Golden values for the Java tests, from torchvision (Debian python3-torch / python3-torchvision).

Run from the repository root:  /usr/bin/python3 worker/src/test/python/generate_fixtures.py
Writes worker/src/test/resources/fixtures/{roi_align.json, resnet_state_dict.json}. The Java build
never runs this; the committed JSON files are what the tests read.
"""
import json
import os

import torch
import torchvision
from torchvision.ops import roi_align

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures")


def roi_case(name, gen, batch, channels, size, scale, sampling_ratio, aligned, boxes):
    feats = torch.randn(batch, channels, size, size, dtype=torch.float64, generator=gen)
    feats.requires_grad_(True)
    rois = torch.tensor(boxes, dtype=torch.float64)
    out = roi_align(feats, rois, output_size=(1, 1), spatial_scale=scale,
                    sampling_ratio=sampling_ratio, aligned=aligned)
    upstream = torch.randn(out.shape, dtype=torch.float64, generator=gen)
    (out * upstream).sum().backward()
    return {
        "name": name,
        "batch": batch, "channels": channels, "size": size,
        "spatial_scale": scale, "sampling_ratio": sampling_ratio, "aligned": aligned,
        "features": feats.detach().flatten().tolist(),
        "boxes": boxes,
        "output": out.detach().reshape(len(boxes), channels).flatten().tolist(),
        "upstream": upstream.reshape(len(boxes), channels).flatten().tolist(),
        "grad_features": feats.grad.flatten().tolist(),
    }


def reference_boxes(gen, batch, view, count):
    """Random boxes in view pixels: inside, partly outside, tiny and huge ones."""
    boxes = []
    for i in range(count):
        b = int(torch.randint(0, batch, (1,), generator=gen))
        x1, y1 = (torch.rand(2, generator=gen, dtype=torch.float64) * 1.4 - 0.2) * view
        w, h = torch.rand(2, generator=gen, dtype=torch.float64) * view
        boxes.append([float(b), float(x1), float(y1), float(x1 + w), float(y1 + h)])
    return boxes


def main():
    gen = torch.Generator().manual_seed(20210522)
    edge = [
        [0, 0.0, 0.0, 224.0, 224.0],        # the whole view
        [0, 0.0, 0.0, 32.0, 32.0],          # exactly one cell at the corner
        [1, 192.0, 192.0, 224.0, 224.0],    # last cell, on the border
        [1, 200.0, 10.0, 224.0, 20.0],      # smaller than a cell, touching the right border
        [2, 50.3, 60.7, 55.1, 63.2],        # much smaller than a cell
        [2, -40.0, -40.0, 300.0, 280.0],    # larger than the map on every side
        [0, -31.0, 100.0, 10.0, 150.0],     # starts outside on the left
        [1, 220.0, 220.0, 260.0, 260.0],    # mostly beyond the bottom-right corner
        [2, 111.5, 0.0, 112.5, 224.0],      # a one-pixel-wide column
        [0, 63.99, 95.01, 160.02, 191.98],  # edges just off cell boundaries
    ]
    cases = [
        roi_case("resnet_224_stride32", gen, 3, 5, 7, 1 / 32, -1, False,
                 edge + reference_boxes(gen, 3, 224, 40)),
        roi_case("small_64_stride8", gen, 2, 3, 8, 1 / 8, -1, False,
                 [[b[0] % 2, *(v * 64 / 224 for v in b[1:])] for b in edge] + reference_boxes(gen, 2, 64, 20)),
        roi_case("sampling2_aligned", gen, 2, 3, 7, 1 / 32, 2, True,
                 [[b[0] % 2, *b[1:]] for b in edge] + reference_boxes(gen, 2, 224, 20)),
    ]
    with open(os.path.join(OUT, "roi_align.json"), "w") as f:
        json.dump({"torch": torch.__version__, "torchvision": torchvision.__version__, "cases": cases}, f)

    nets = {}
    for name in ["resnet18", "resnet34", "resnet50", "resnet101"]:
        model = getattr(torchvision.models, name)()
        sd = model.state_dict()
        keys = [k for k in sd.keys() if not k.startswith("fc.")]
        params = sum(p.numel() for n, p in model.named_parameters() if not n.startswith("fc."))
        nets[name] = {"keys": keys, "shapes": [list(sd[k].shape) for k in keys], "parameters": params}
    with open(os.path.join(OUT, "resnet_state_dict.json"), "w") as f:
        json.dump({"torchvision": torchvision.__version__, "models": nets}, f)


if __name__ == "__main__":
    main()
