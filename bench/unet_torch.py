"""The MNIST U-Net of src/network/unet.rs written in PyTorch, and the same DSM training step, to
measure training images/s against burn in the same run (scripts/bench-train.sh).

With --weights it also loads the safetensors file `diffusion export` writes, which checks that the
two definitions agree parameter for parameter.
"""
import argparse
import json
import math
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F


def time_embedding(t, width):
    half = width // 2
    k = torch.arange(half, device=t.device, dtype=torch.float32)
    freqs = 1000.0 * torch.exp(-math.log(10_000.0) * k / half)
    angles = t * freqs[None, :]
    return torch.cat([angles.sin(), angles.cos()], dim=1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, emb, groups):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.shift = nn.Linear(emb, cout)
        self.norm2 = nn.GroupNorm(groups, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, e):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.shift(e)[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return (self.skip(x) if self.skip is not None else x) + h


# The channels at 28, 14 and 7 pixels of src/network/unet.rs's `Width`.
WIDTHS = {"narrow": (32, 64, 64), "wide": (40, 80, 160)}


class UNet(nn.Module):
    def __init__(self, channels=WIDTHS["narrow"], classes=10, emb=144, groups=8, side=28):
        super().__init__()
        c, c2, c4 = channels
        self.side, self.time_features = side, emb // 2
        self.time1 = nn.Linear(emb // 2, emb)
        self.time2 = nn.Linear(emb, emb)
        self.classes = nn.Embedding(classes + 1, emb)
        self.input = nn.Conv2d(1, c, 3, padding=1)
        self.down1 = ResBlock(c, c, emb, groups)
        self.reduce1 = nn.Conv2d(c, c, 3, stride=2, padding=1)
        self.down2 = ResBlock(c, c2, emb, groups)
        self.reduce2 = nn.Conv2d(c2, c4, 3, stride=2, padding=1)
        self.middle1 = ResBlock(c4, c4, emb, groups)
        self.middle2 = ResBlock(c4, c4, emb, groups)
        self.up2 = ResBlock(c4 + c2, c2, emb, groups)
        self.up1 = ResBlock(c2 + c, c, emb, groups)
        self.out_norm = nn.GroupNorm(groups, c)
        self.output = nn.Conv2d(c, 1, 3, padding=1)

    def forward(self, x, t, labels):
        b = x.shape[0]
        time = self.time2(F.silu(self.time1(time_embedding(t, self.time_features))))
        e = F.silu(time + self.classes(labels))
        x = self.input(x.reshape(b, 1, self.side, self.side))
        s1 = self.down1(x, e)
        s2 = self.down2(self.reduce1(s1), e)
        h = self.reduce2(s2)
        h = self.middle2(self.middle1(h, e), e)
        up = lambda h: F.interpolate(h, scale_factor=2, mode="nearest")
        h = self.up2(torch.cat([up(h), s2], 1), e)
        h = self.up1(torch.cat([up(h), s1], 1), e)
        return self.output(F.silu(self.out_norm(h))).reshape(b, -1)


def vp(t, beta_min=0.1, beta_max=20.0):
    integral = beta_min * t + 0.5 * t * t * (beta_max - beta_min)
    return torch.exp(-0.5 * integral), torch.sqrt(-torch.expm1(-integral))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--width", choices=WIDTHS, default="narrow")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--weights", help="a .safetensors file from `diffusion export` to load first")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    dev = torch.device(a.device)
    torch.manual_seed(0)
    model = UNet(WIDTHS[a.width]).to(dev)
    if a.weights:
        from safetensors.torch import load_file

        state = load_file(a.weights)
        missing, unexpected = model.load_state_dict(state, strict=False)
        if missing or unexpected:
            sys.exit(f"the weights do not fit: missing {missing}, unexpected {unexpected}")
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.Adam(model.parameters(), lr=3e-4)
    t_min = 1e-3

    def step():
        x0 = torch.rand(a.batch, 784, device=dev) * 2 - 1
        labels = torch.arange(a.batch, device=dev) % 10
        labels = torch.where(torch.rand(a.batch, device=dev) < 0.2, 10, labels)
        t = t_min + (1 - t_min) * torch.rand(a.batch, 1, device=dev)
        alpha, sigma = vp(t)
        z = torch.randn_like(x0)
        loss = ((model(alpha * x0 + sigma * z, t, labels) - z) ** 2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        # As burn's bench reads its loss back every step.
        return loss.item()

    start = time.perf_counter()
    first = step()
    first_step_s = time.perf_counter() - start
    for _ in range(max(a.warmup - 1, 0)):
        step()
    start = time.perf_counter()
    for _ in range(a.steps):
        last = step()
    seconds = time.perf_counter() - start
    figures = {
        "framework": f"pytorch {torch.__version__}",
        "device": str(dev),
        "threads": torch.get_num_threads(),
        "width": a.width,
        "parameters": params,
        "batch": a.batch,
        "steps": a.steps,
        "first_step_s": first_step_s,
        "images_per_s": a.steps * a.batch / seconds,
        "loss_first": first,
        "loss_last": last,
    }
    print(json.dumps(figures))
    with open(a.out, "w") as f:
        json.dump(figures, f, indent=2)


if __name__ == "__main__":
    main()
