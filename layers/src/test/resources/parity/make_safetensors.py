#!/usr/bin/env python3
"""Writes the PyTorch -> tapegrad fixtures for TorchWeightsFromPyTorchTest: recurrent networks trained for a few SGD
steps in PyTorch, their state_dict() as .safetensors files, and torch_models.json with a fixed input and PyTorch's
outputs for it, all in from_torch/.

Run from this directory:  /usr/bin/python3 make_safetensors.py
The safetensors files are written by hand (8-byte little-endian header length, JSON header padded with spaces to a
multiple of 8, raw little-endian row-major data), since the `safetensors` package is not available here. Tensors keep
the shapes state_dict() gives them: weights [G*H, I] / [G*H, H], biases 1-D [G*H].
"""
import json
import os
import struct

import torch

T, B, I, H = 4, 2, 3, 5
OUT = "from_torch"  # the fixtures go here, beside this script
DTYPES = {torch.float64: "F64", torch.float32: "F32"}


def write_safetensors(path, state_dict):
    header, chunks, offset = {}, [], 0
    for name, tensor in state_dict.items():
        array = tensor.detach().cpu().contiguous().numpy()
        data = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": DTYPES[tensor.dtype], "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for chunk in chunks:
            f.write(chunk)


class Tagger(torch.nn.Module):
    """A module holding the GRU as a field, so its state_dict() names are 'gru.weight_ih_l0', ..., 'head.weight'."""

    def __init__(self):
        super().__init__()
        self.gru = torch.nn.GRU(I, H)
        self.head = torch.nn.Linear(H, 2)

    def forward(self, x):
        out, _ = self.gru(x)
        return self.head(out), out


def recurrent_output(module, x):
    out = module(x)
    return out[1] if isinstance(module, Tagger) else out[0]


def train(module, dtype, seed, steps=25, lr=0.2):
    """A few SGD steps of a random regression task, so that every weight and both biases move away from their init."""
    gen = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.SGD(module.parameters(), lr=lr)
    for _ in range(steps):
        x = torch.randn(T, B, I, generator=gen, dtype=dtype)
        out = module(x)[0]
        target = torch.randn(out.shape, generator=gen, dtype=dtype)
        loss = ((out - target) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def case(name, kind, module, dtype, prefix="", seed=0):
    module = module.to(dtype)
    before = {k: v.clone() for k, v in module.state_dict().items()}
    train(module, dtype, 100 + seed)
    assert all(not torch.equal(before[k], v) for k, v in module.state_dict().items()), name + ": a tensor did not train"
    rnn = module.gru if isinstance(module, Tagger) else module
    write_safetensors(os.path.join(OUT, name + ".safetensors"), module.state_dict())
    x = torch.randn(T, B, I, generator=torch.Generator().manual_seed(200 + seed), dtype=torch.float64).to(dtype)
    with torch.no_grad():
        out = recurrent_output(module, x)
    return {
        "name": name,
        "file": name + ".safetensors",
        "dtype": DTYPES[dtype],
        "kind": kind,
        "layers": rnn.num_layers,
        "bidirectional": rnn.bidirectional,
        "input_size": I,
        "hidden_size": H,
        "prefix": prefix,
        "x": x.double().tolist(),
        "output": out.double().tolist(),
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(7)
    f64, f32 = torch.float64, torch.float32
    cases = [
        case("rnn_tanh", "rnn_tanh", torch.nn.RNN(I, H, nonlinearity="tanh"), f64, seed=1),
        case("lstm", "lstm", torch.nn.LSTM(I, H), f64, seed=2),
        case("gru", "gru", torch.nn.GRU(I, H), f64, seed=3),
        case("lstm_2layer_bidirectional", "lstm", torch.nn.LSTM(I, H, num_layers=2, bidirectional=True), f64, seed=4),
        case("tagger_gru_f32", "gru", Tagger(), f32, prefix="gru.", seed=5),
    ]
    with open(os.path.join(OUT, "torch_models.json"), "w") as f:
        json.dump({"torch_version": torch.__version__, "models": cases}, f, indent=1)


if __name__ == "__main__":
    main()
