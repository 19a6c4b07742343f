#!/usr/bin/env python3
"""Writes the float32 network parity fixtures for Float32NetworkParityTest: PyTorch's nn.RNN (tanh), nn.LSTM and
nn.GRU in float32, one layer and two bidirectional layers (T=7, B=3, with per-sequence lengths and initial states),
each one F32 safetensors file with the same names as make_networks.py writes: rnn.<state_dict name>, input, lengths,
h0 (c0), coef, coef_h, output, h_n (c_n), loss, grad.rnn.<name>, grad.input, grad.h0. Everything, weights included,
is float32 and computed by PyTorch in float32.

Run from this directory:  /usr/bin/python3 make_networks_f32.py
"""
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from make_safetensors import write_safetensors

T, B, I, H = 7, 3, 4, 5


def case(path, module, layers, directions, lengths, seed):
    dtype = torch.float32
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(T, B, I, generator=gen, dtype=dtype).requires_grad_(True)
    h0 = torch.randn(layers * directions, B, H, generator=gen, dtype=dtype).requires_grad_(True)
    lstm = isinstance(module, torch.nn.LSTM)
    c0 = torch.randn(layers * directions, B, H, generator=gen, dtype=dtype) if lstm else None
    packed = pack_padded_sequence(x, torch.tensor(lengths), enforce_sorted=False)
    out, state = module(packed, (h0, c0) if lstm else h0)
    out, _ = pad_packed_sequence(out, total_length=T)
    h_n = state[0] if lstm else state
    coef = torch.randn(*out.shape, generator=gen, dtype=dtype)
    coef_h = torch.randn(*h_n.shape, generator=gen, dtype=dtype)
    loss = (out * coef).sum() + (h_n * coef_h).sum()
    loss.backward()
    tensors = {"rnn." + n: p for n, p in module.state_dict().items()}
    tensors.update({"input": x, "lengths": torch.tensor(lengths, dtype=dtype), "h0": h0, "coef": coef,
                    "coef_h": coef_h, "output": out, "h_n": h_n, "loss": loss.reshape(1)})
    if lstm:
        tensors.update({"c0": c0, "c_n": state[1]})
    tensors.update({"grad.rnn." + n: p.grad for n, p in module.named_parameters()})
    tensors.update({"grad.input": x.grad, "grad.h0": h0.grad})
    write_safetensors(path, {n: t.detach() for n, t in tensors.items()})


def main():
    torch.manual_seed(31)
    torch.set_num_threads(1)
    for kind, cls in (("rnn_tanh", torch.nn.RNN), ("lstm", torch.nn.LSTM), ("gru", torch.nn.GRU)):
        case("from_torch/f32_%s_T7.safetensors" % kind, cls(I, H).float(), 1, 1, [7, 3, 5], 41)
        case("from_torch/f32_%s_2layer_bidirectional_T7.safetensors" % kind,
             cls(I, H, num_layers=2, bidirectional=True).float(), 2, 2, [2, 7, 6], 42)


if __name__ == "__main__":
    main()
