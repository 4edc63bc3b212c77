#!/usr/bin/env python3
"""Makes the PyTorch interoperability fixtures of PyTorchInteropTest.

Run from this directory with a Python that has torch (for example Debian's python3-torch:
/usr/bin/python3 make_fixture.py). CI does not run it; the tests use the committed outputs.

1. PyTorch -> Ganglion: builds a module whose attribute names match the test network
   (hidden: Linear 3 -> 4 + ReLU, out: Linear 4 -> 2), saves its state_dict in the safetensors
   format (written by hand with struct + json, as F32 and as F16, and as the state_dict of an
   nn.Sequential with the same weights), and records fixed inputs and PyTorch's outputs in
   torch_outputs.json.
2. Ganglion -> PyTorch: if ganglion_model.safetensors (written by the Java test) is here, loads it
   with load_state_dict(strict=True) and records PyTorch's outputs in ganglion_outputs.json.

Values in the JSON files are strings (repr of the float32 value) so that Java reads them exactly.
"""
import json
import struct
import sys

import torch
from torch import nn

DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64",
          torch.int64: "I64", torch.int32: "I32", torch.bool: "BOOL", torch.uint8: "U8"}
FROM_NAME = {v: k for k, v in DTYPES.items()}


class TwoLayerNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(3, 4)
        self.out = nn.Linear(4, 2)

    def forward(self, x):
        return self.out(torch.relu(self.hidden(x)))


def save_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    data = bytearray()
    for name, t in tensors.items():
        raw = t.detach().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-(8 + len(text)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        f.write(data)


def load_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    metadata = header.pop("__metadata__", {})
    data = blob[8 + n:]
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        dtype = FROM_NAME[info["dtype"]]
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype) if end > begin \
            else torch.empty(0, dtype=dtype)
        tensors[name] = t.reshape(info["shape"])
    return tensors, metadata


def strings(t):
    return [[repr(float(v)) for v in row] for row in t.tolist()]


def main():
    assert sys.byteorder == "little", "safetensors data is little-endian; so must this machine be"
    torch.manual_seed(1234)
    model = TwoLayerNet().eval()
    inputs = torch.tensor([[0.5, -1.0, 2.0], [0.0, 0.0, 0.0], [1.5, 0.25, -0.75],
                           [-2.0, 3.0, 1.0], [0.1, 0.2, 0.3]], dtype=torch.float32)
    state = model.state_dict()
    save_safetensors("torch_model.safetensors", state, {"format": "pt"})
    # The same weights in an nn.Sequential, as most PyTorch code builds a network: its layers
    # are named by position (0, 2; the ReLU at 1 has no parameters).
    sequential = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)).eval()
    sequential.load_state_dict({k.replace("hidden.", "0.").replace("out.", "2."): v
                                for k, v in state.items()}, strict=True)
    save_safetensors("torch_sequential.safetensors", sequential.state_dict(), {"format": "pt"})
    half = {k: v.to(torch.float16) for k, v in state.items()}
    save_safetensors("torch_model_f16.safetensors", half, {"format": "pt"})
    with torch.no_grad():
        outputs = model(inputs)
        model_half = TwoLayerNet().eval()
        model_half.load_state_dict({k: v.to(torch.float32) for k, v in half.items()}, strict=True)
        outputs_half = model_half(inputs)
    with open("torch_outputs.json", "w") as f:
        json.dump({"torch": torch.__version__, "inputs": strings(inputs),
                   "outputs": strings(outputs), "outputs_f16": strings(outputs_half)}, f, indent=1)
        f.write("\n")

    try:
        tensors, metadata = load_safetensors("ganglion_model.safetensors")
    except FileNotFoundError:
        print("no ganglion_model.safetensors yet: run the Java test with "
              "-Dganglion.fixtures.update=true first for the reverse direction")
        return
    loaded = TwoLayerNet().eval()
    loaded.load_state_dict(tensors, strict=True)
    with torch.no_grad():
        out = loaded(inputs)
    with open("ganglion_outputs.json", "w") as f:
        json.dump({"torch": torch.__version__, "metadata": metadata,
                   "outputs": strings(out)}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
