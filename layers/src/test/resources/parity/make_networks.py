#!/usr/bin/env python3
"""Writes the network parity fixtures for NetworkParityTest: a 2-layer bidirectional LSTM and GRU (T=7, B=3), each
one safetensors file holding, beside the weights, the rank-3 input, lengths, initial states, PyTorch's output,
final states, the loss coefficients, and every gradient under PyTorch's names.

Run from this directory:  /usr/bin/python3 make_networks.py
Names in each file: rnn.<state_dict name> (weights), input [T,B,I] (or [B,T,I] when batch_first), lengths [B],
h0 / c0 [L*D,B,H], coef (shaped as the output), output, h_n / c_n, loss [1], grad.rnn.<name>, grad.input, grad.h0.
loss = sum(output * coef) + sum(h_n * coef_h); padded steps of the output are zero, as pad_packed_sequence gives.
"""
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from make_safetensors import write_safetensors

T, B, I, H, L = 7, 3, 4, 5, 2


def case(path, module, lengths, batch_first, seed):
    gen = torch.Generator().manual_seed(seed)
    shape = (B, T, I) if batch_first else (T, B, I)
    x = torch.randn(*shape, generator=gen, dtype=torch.float64).requires_grad_(True)
    h0 = torch.randn(L * 2, B, H, generator=gen, dtype=torch.float64).requires_grad_(True)
    lstm = isinstance(module, torch.nn.LSTM)
    c0 = torch.randn(L * 2, B, H, generator=gen, dtype=torch.float64) if lstm else None
    packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=batch_first, enforce_sorted=False)
    out, state = module(packed, (h0, c0) if lstm else h0)
    out, _ = pad_packed_sequence(out, batch_first=batch_first, total_length=T)
    h_n = state[0] if lstm else state
    coef = torch.randn(*out.shape, generator=gen, dtype=torch.float64)
    coef_h = torch.randn(*h_n.shape, generator=gen, dtype=torch.float64)
    loss = (out * coef).sum() + (h_n * coef_h).sum()
    loss.backward()
    tensors = {"rnn." + n: p for n, p in module.state_dict().items()}
    tensors.update({"input": x, "lengths": torch.tensor(lengths, dtype=torch.float64), "h0": h0, "coef": coef,
                    "coef_h": coef_h, "output": out, "h_n": h_n, "loss": loss.reshape(1)})
    if lstm:
        tensors.update({"c0": c0, "c_n": state[1]})
    tensors.update({"grad.rnn." + n: p.grad for n, p in module.named_parameters()})
    tensors.update({"grad.input": x.grad, "grad.h0": h0.grad})
    write_safetensors(path, {n: t.detach() for n, t in tensors.items()})


def main():
    torch.manual_seed(11)
    case("from_torch/lstm_2layer_bidirectional_T7.safetensors",
         torch.nn.LSTM(I, H, num_layers=L, bidirectional=True).double(), [7, 3, 5], False, 21)
    case("from_torch/gru_2layer_bidirectional_T7_batch_first.safetensors",
         torch.nn.GRU(I, H, num_layers=L, bidirectional=True, batch_first=True).double(), [2, 7, 6], True, 22)


if __name__ == "__main__":
    main()
