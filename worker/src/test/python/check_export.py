#!/usr/bin/python3
"""Loads an elastic-scrl backbone export into torchvision and writes its pooled features.

usage: check_export.py EXPORT.safetensors INPUT.npy OUTPUT.npy ARCH
Reads the safetensors file with numpy only (Debian has no safetensors package), loads it with
strict=False into torchvision.models.ARCH(), fails unless the only missing keys are fc.* and
nothing is unexpected, then runs the model in eval mode without fc on INPUT and saves OUTPUT.
"""
import json
import struct
import sys

import numpy as np
import torch
import torchvision


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    dtypes = {"F32": np.float32, "I64": np.int64}
    out = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        begin, end = spec["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=dtypes[spec["dtype"]]).reshape(spec["shape"])
        out[name] = torch.from_numpy(array.copy())
    return out


def main():
    export, inputs, output, arch = sys.argv[1:5]
    model = getattr(torchvision.models, arch)()
    result = model.load_state_dict(load_safetensors(export), strict=False)
    bad_missing = [k for k in result.missing_keys if not k.startswith("fc.")]
    if bad_missing or result.unexpected_keys:
        sys.exit(f"missing {bad_missing}, unexpected {result.unexpected_keys}")
    model.fc = torch.nn.Identity()
    model.eval()
    with torch.no_grad():
        features = model(torch.from_numpy(np.load(inputs)))
    np.save(output, features.numpy().astype(np.float32))
    print(json.dumps({"missing": result.missing_keys, "unexpected": result.unexpected_keys}))


if __name__ == "__main__":
    main()
