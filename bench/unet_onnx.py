"""The MNIST U-Net exported to ONNX through PyTorch, from the safetensors file `diffusion export`
writes, for the onnxruntime-web comparison (scripts/bench-onnx.sh).

Inputs: x [batch, 784] float32, t [batch, 1] float32, labels [batch] int64 (10: no label);
output: eps [batch, 784]. The batch is dynamic. onnxruntime (Python) then checks the ONNX graph
against PyTorch on random inputs, so a mismatch shows here and not as a slow benchmark.
"""
import argparse
import sys

import numpy as np
import torch
from safetensors.torch import load_file

from unet_torch import WIDTHS, UNet


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--weights", required=True, help="U-Net weights, .safetensors")
    p.add_argument("--out", required=True, help="the .onnx file to write")
    a = p.parse_args()
    weights = load_file(a.weights)
    # The file's width: the channels its last convolution reads (32 narrow, 40 wide).
    first = weights["output.weight"].shape[1]
    channels = next((w for w in WIDTHS.values() if w[0] == first), None)
    if channels is None:
        sys.exit(f"no U-Net width has {first} channels at full resolution")
    model = UNet(channels)
    missing, unexpected = model.load_state_dict(weights, strict=False)
    if missing or unexpected:
        sys.exit(f"the weights do not fit: missing {missing}, unexpected {unexpected}")
    model.eval()
    batch = torch.export.Dim("batch", min=1, max=256)
    example = (torch.randn(2, 784), torch.rand(2, 1), torch.tensor([3, 10]))
    torch.onnx.export(
        model,
        example,
        a.out,
        input_names=["x", "t", "labels"],
        output_names=["eps"],
        dynamic_shapes=({0: batch}, {0: batch}, {0: batch}),
        dynamo=True,
        external_data=False,
    )

    import onnxruntime

    session = onnxruntime.InferenceSession(a.out, providers=["CPUExecutionProvider"])
    generator = torch.Generator().manual_seed(1)
    for n in (1, 4, 16):
        x = torch.randn(n, 784, generator=generator)
        t = torch.rand(n, 1, generator=generator)
        labels = torch.randint(0, 11, (n,), generator=generator)
        with torch.no_grad():
            want = model(x, t, labels).numpy()
        got = session.run(None, {"x": x.numpy(), "t": t.numpy(), "labels": labels.numpy()})[0]
        diff = float(np.abs(got - want).max())
        if not diff < 1e-4:
            sys.exit(f"onnxruntime and PyTorch differ by {diff} at batch {n}")
    print(f"wrote {a.out}; onnxruntime matches PyTorch at batch 1, 4, 16")


if __name__ == "__main__":
    main()
