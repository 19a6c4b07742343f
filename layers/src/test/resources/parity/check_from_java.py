#!/usr/bin/env python3
"""Loads safetensors files written by tapegrad's TorchWeights into PyTorch modules and prints their outputs.

Usage:  python3 check_from_java.py cases.json
cases.json: {"cases": [{"name", "file", "kind" (rnn_tanh | rnn_relu | lstm | gru), "layers", "bidirectional",
"input_size", "hidden_size", "prefix", "x" (T x B x I)}, ...]}.
Prints one JSON object {"torch_version", "outputs": {name: T x B x (D*H)}} on stdout.

The files are parsed by hand (the `safetensors` package is not available here) and must load with
load_state_dict(strict=True), which checks that every name and shape is PyTorch's own.
"""
import json
import struct
import sys

import numpy
import torch

NUMPY_TYPES = {"F64": "<f8", "F32": "<f4"}


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (length,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + length].decode("utf-8"))
    data = blob[8 + length:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        array = numpy.frombuffer(data[begin:end], dtype=NUMPY_TYPES[entry["dtype"]]).reshape(entry["shape"])
        tensors[name] = torch.from_numpy(array.astype("f8"))
    return tensors


def module(case):
    args = dict(input_size=case["input_size"], hidden_size=case["hidden_size"], num_layers=case["layers"],
                bidirectional=case["bidirectional"])
    kind = case["kind"]
    if kind.startswith("rnn_"):
        return torch.nn.RNN(nonlinearity=kind[4:], **args)
    return {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind](**args)


def run(case):
    net = module(case).double()
    prefix = case["prefix"]
    tensors = read_safetensors(case["file"])
    mine = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
    net.load_state_dict(mine, strict=True)
    with torch.no_grad():
        out, _ = net(torch.tensor(case["x"], dtype=torch.float64))
    return out.tolist()


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)["cases"]
    outputs = {case["name"]: run(case) for case in cases}
    json.dump({"torch_version": torch.__version__, "outputs": outputs}, sys.stdout)


if __name__ == "__main__":
    main()
