#!/usr/bin/env python3
"""Writes reference.json: forward outputs and gradients of PyTorch's nn.RNN / nn.LSTM / nn.GRU in double precision,
for seeded weights and fixed inputs, so the Java tests can check tapegrad's cells against them (TorchParityTest).

Run from this directory:  /usr/bin/python3 make_reference.py
Each model: x is T×B×I (time major), loss = sum(output * coef) with fixed random coef (zero on padded steps),
weights and grads use PyTorch's parameter names; 1-D biases are written as one-row matrices; grad_x = dloss/dx.
"""
import json

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

T, B, I, H = 4, 2, 3, 5


def matrix(t):
    t = t.detach()
    if t.dim() == 1:
        t = t.unsqueeze(0)
    return t.tolist()


def case(name, kind, module, lengths=None, seed=0):
    gen = torch.Generator().manual_seed(1000 + seed)
    x = torch.randn(T, B, I, generator=gen, dtype=torch.float64).requires_grad_(True)
    directions = 2 if module.bidirectional else 1
    coef = torch.randn(T, B, directions * H, generator=gen, dtype=torch.float64)
    if lengths is None:
        out, _ = module(x)
    else:
        packed = pack_padded_sequence(x, torch.tensor(lengths), enforce_sorted=False)
        out, _ = module(packed)
        out, _ = pad_packed_sequence(out, total_length=T)
        for b, length in enumerate(lengths):
            coef[length:, b, :] = 0.0
    loss = (out * coef).sum()
    loss.backward()
    return {
        "name": name,
        "kind": kind,
        "layers": module.num_layers,
        "bidirectional": module.bidirectional,
        "input_size": I,
        "hidden_size": H,
        "lengths": lengths,
        "x": x.detach().tolist(),
        "coef": coef.tolist(),
        "weights": {n: matrix(p) for n, p in module.named_parameters()},
        "output": out.detach().tolist(),
        "loss": loss.item(),
        "grads": {n: matrix(p.grad) for n, p in module.named_parameters()},
        "grad_x": x.grad.tolist(),
    }


def main():
    torch.manual_seed(42)
    cases = [
        case("rnn_tanh", "rnn_tanh", torch.nn.RNN(I, H, nonlinearity="tanh").double(), seed=1),
        case("rnn_relu", "rnn_relu", torch.nn.RNN(I, H, nonlinearity="relu").double(), seed=2),
        case("lstm", "lstm", torch.nn.LSTM(I, H).double(), seed=3),
        case("gru", "gru", torch.nn.GRU(I, H).double(), seed=4),
        case("gru_2layer", "gru", torch.nn.GRU(I, H, num_layers=2).double(), seed=5),
        case("lstm_2layer_bidirectional_lengths", "lstm", torch.nn.LSTM(I, H, num_layers=2, bidirectional=True).double(),
             lengths=[4, 2], seed=6),
    ]
    with open("reference.json", "w") as f:
        json.dump({"torch_version": torch.__version__, "models": cases}, f, indent=1)


if __name__ == "__main__":
    main()
