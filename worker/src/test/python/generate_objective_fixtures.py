#!/usr/bin/python3
"""Golden values for the LC-loss and truncated-triplet tests, from PyTorch (Debian python3-torch).

Run from the repository root:  /usr/bin/python3 worker/src/test/python/generate_objective_fixtures.py
Writes worker/src/test/resources/fixtures/objectives.json. The Java build never runs this.

Written from the papers and REFERENCE §10.2 / §11 with PyTorch's own operators, independently of
the Java code: the LC-loss resamples the NLL maps with F.grid_sample (bilinear, border padding,
align_corners=False), the triplet loss picks its negatives with topk and uses MarginRankingLoss.
"""
import json
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures")


def view_x(crop_from, crop_to, size, x, y):
    """View pixel (x, y) of one crop -> view pixel of the other (REFERENCE §2.5 / §11)."""
    top, left, h, w, flipped = crop_from
    if flipped:
        x = size - x
    ox = left + x * w / size
    oy = top + y * h / size
    top2, left2, h2, w2, flipped2 = crop_to
    bx = (ox - left2) * size / w2
    by = (oy - top2) * size / h2
    if flipped2:
        bx = size - bx
    return bx, by


def lc_loss(target, online, crops_target, crops_online, size, tau):
    """Eqs. 2-4 of the LC-loss paper: NLL of a softmax over online cells, resampled at p_sc."""
    n, d, side, _ = target.shape
    cells = side * side
    t = F.normalize(target.reshape(n, d, cells), dim=1)
    o = F.normalize(online.reshape(n, d, cells), dim=1)
    similarity = torch.einsum("ndc,ndk->nck", t, o)
    nll = -F.log_softmax(similarity / tau, dim=2)  # [n, target cell, online cell]
    stride = size / side
    per_image, pairs = [], []
    for i in range(n):
        grid, inside = [], []
        for c in range(cells):
            u, v = c % side, c // side
            bx, by = view_x(crops_target[i], crops_online[i], size, (u + 0.5) * stride, (v + 0.5) * stride)
            inside.append(0 <= bx < size and 0 <= by < size)
            grid.append([2 * bx / size - 1, 2 * by / size - 1])
        maps = nll[i].reshape(cells, 1, side, side)
        g = torch.tensor(grid, dtype=torch.float64).reshape(cells, 1, 1, 2)
        sampled = F.grid_sample(maps, g, mode="bilinear", padding_mode="border", align_corners=False)
        sampled = sampled.reshape(cells)
        mask = torch.tensor(inside)
        pairs.append(int(mask.sum()))
        if mask.any():
            per_image.append(sampled[mask].mean())
    return torch.stack(per_image).mean(), pairs


def lc_case(name, gen, n, d, side, size, tau, crops_target, crops_online):
    target = torch.randn(n, d, side, side, dtype=torch.float64, generator=gen)
    online = torch.randn(n, d, side, side, dtype=torch.float64, generator=gen)
    # make the corresponding cells of the first image similar, so the NLL is not flat
    online[0] += 0.5 * target[0].flip(-1)
    online.requires_grad_(True)
    loss, pairs = lc_loss(target, online, crops_target, crops_online, size, tau)
    loss.backward()
    return {
        "name": name, "images": n, "channels": d, "side": side, "view_size": size, "temperature": tau,
        "crops_target": crops_target, "crops_online": crops_online,
        "target": target.flatten().tolist(), "online": online.detach().flatten().tolist(),
        "loss": loss.item(), "pairs": pairs, "grad_online": online.grad.flatten().tolist(),
    }


def triplet_direction(p, z, margin, gamma, rank_from, rank_to):
    n = p.shape[0]
    pn, zn = F.normalize(p, dim=1), F.normalize(z, dim=1)
    dist = -2 * pn @ zn.t()
    positive = dist.diag()
    last = min(rank_to, n - 1)
    if last < rank_from:
        negative = torch.zeros(n, dtype=p.dtype)
    else:
        others = dist + torch.eye(n, dtype=p.dtype) * 1e9  # j == i never among the nearest
        nearest = others.topk(last, dim=1, largest=False).values
        negative = nearest[:, rank_from - 1:last].mean(dim=1)
    return F.margin_ranking_loss(negative, gamma * positive, torch.ones(n, dtype=p.dtype), margin=margin)


def triplet_case(name, gen, n, d, margin, gamma, rank_from, rank_to):
    p = torch.randn(2 * n, d, dtype=torch.float64, generator=gen, requires_grad=True)
    z = torch.randn(2 * n, d, dtype=torch.float64, generator=gen)
    loss = (triplet_direction(p[:n], z[n:], margin, gamma, rank_from, rank_to)
            + triplet_direction(p[n:], z[:n], margin, gamma, rank_from, rank_to))
    loss.backward()
    return {
        "name": name, "images": n, "dim": d, "margin": margin, "gamma": gamma,
        "rank_from": rank_from, "rank_to": rank_to,
        "p": p.detach().flatten().tolist(), "z": z.flatten().tolist(),
        "loss": loss.item(), "grad_p": p.grad.flatten().tolist(),
    }


def main():
    gen = torch.Generator().manual_seed(20230104)
    whole = [0, 0, 40, 48, False]  # a 48x40 image resized whole: the paper's colour-only view
    lc = [
        # view 1 whole, view 2: a flipped crop, the whole image flipped, a corner crop
        lc_case("plain_vs_crop_flip", gen, 3, 5, 4, 32, 0.2,
                [whole, whole, whole], [[5, 10, 20, 30, True], [0, 0, 40, 48, True], [20, 30, 20, 18, False]]),
        # both views cropped, view 1 flipped; the last image's crops do not overlap (no pair)
        lc_case("both_cropped_one_disjoint", gen, 3, 4, 8, 64, 0.5,
                [[3, 7, 50, 41, True], [0, 0, 64, 64, False], [0, 0, 20, 20, False]],
                [[10, 2, 45, 52, False], [16, 16, 32, 32, True], [40, 40, 24, 24, True]]),
        # ImageNet geometry: 224-px views, 7x7 maps, a 500x375 image
        lc_case("imagenet_geometry", gen, 2, 6, 7, 224, 0.2,
                [[0, 0, 375, 500, False], [0, 0, 375, 500, False]],
                [[37, 112, 241, 290, True], [150, 20, 200, 160, False]]),
    ]
    triplet = [
        triplet_case("ranks_2_10_of_11_others", gen, 12, 6, 100.0, 2.0, 2, 10),
        triplet_case("ranks_2_10_of_exactly_10_others", gen, 11, 5, 100.0, 2.0, 2, 10),
        triplet_case("short_batch_truncates_ranks", gen, 6, 4, 100.0, 2.0, 2, 10),
        triplet_case("small_margin_partly_inactive", gen, 8, 3, 0.5, 2.0, 1, 3),
        triplet_case("no_negative_in_a_pair", gen, 2, 3, 100.0, 2.0, 2, 10),
    ]
    with open(os.path.join(OUT, "objectives.json"), "w") as f:
        json.dump({"torch": torch.__version__, "local_contrast": lc, "triplet": triplet}, f)


if __name__ == "__main__":
    main()
