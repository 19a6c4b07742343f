#!/usr/bin/python3
"""tapegrad vs PyTorch on the benchmark shapes (not part of CI).

Times PyTorch on the same recurrent configurations as LstmBenchmark / GruBenchmark / RnnBenchmark (forward +
backward through time, loss = sum of h_T, gradients for every parameter; the input needs no gradient) and on a few
GEMM shapes, in float64 (float32 for reference), with 1 and 2 intra-op threads, and reports the median of several
runs. Given JMH results (`-rf json -rff FILE`; the median of the measurement iterations is used), prints one table
tapegrad vs PyTorch with the ratio per row.

    /usr/bin/python3 benchmarks/pytorch_compare.py --jmh rec.json [--jmh gemm.json ...]       # wall clock, JMH
    /usr/bin/python3 benchmarks/pytorch_compare.py --cpu-csv cpu.csv --clock cpu --threads 1  # CPU time, shared machine

where cpu.csv comes from `org.tapegrad.bench.InterleavedRatio --csv=cpu.csv` (thread CPU time, robust to other
processes on the machine; compare it with PyTorch's 1-thread CPU time).

Only the standard library and torch are used.
"""
import argparse
import json
import re
import statistics
import time

import torch

SHAPES = [(1, 100, 64, 64), (32, 100, 64, 128), (64, 50, 128, 512), (16, 1000, 32, 64)]  # B, T, I, H
GEMMS = [(1, 64, 256), (32, 64, 256), (32, 192, 512), (512, 512, 512)]   # M, K, N (the shapes)
CELLS = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}
JMH_CELL = {"LstmBenchmark": "lstm", "GruBenchmark": "gru", "RnnBenchmark": "rnn"}
UNIT_MS = {"ns/op": 1e-6, "us/op": 1e-3, "ms/op": 1.0, "s/op": 1e3}


CLOCK = time.perf_counter


def median_ms(fn, budget_s):
    """Median time of fn() in ms on CLOCK, after two warm-up calls; as many runs as fit the budget (3..15)."""
    fn()
    start = CLOCK()
    fn()
    once = CLOCK() - start
    runs = max(3, min(15, int(budget_s / max(once, 1e-9))))
    times = []
    for _ in range(runs):
        start = CLOCK()
        fn()
        times.append((CLOCK() - start) * 1e3)
    return statistics.median(times)


def recurrent_ms(cell, shape, dtype, budget_s):
    b, t, i, h = shape
    torch.manual_seed(7)
    module = CELLS[cell](i, h, dtype=dtype)  # RNN default nonlinearity is tanh
    x = torch.rand(t, b, i, dtype=dtype) * 2 - 1

    def step():
        module.zero_grad(set_to_none=False)
        out, _ = module(x)
        out[-1].sum().backward()

    return median_ms(step, budget_s)


def gemm_ms(shape, dtype, budget_s):
    m, k, n = shape
    a = torch.rand(m, k, dtype=dtype)
    b = torch.rand(k, n, dtype=dtype)
    c = torch.empty(m, n, dtype=dtype)
    return median_ms(lambda: torch.mm(a, b, out=c), budget_s)


def read_jmh(paths):
    """{(kind, key, variant): ms} from JMH JSON files; kind is a cell name or 'gemm'."""
    found = {}
    for path in paths:
        with open(path) as f:
            for row in json.load(f):
                cls, method = row["benchmark"].split(".")[-2:]
                params = row.get("params", {})
                metric = row["primaryMetric"]
                # Median of the measurement iterations rather than JMH's mean: on a shared machine a few
                # iterations disturbed by other processes should not move the figure.
                samples = [v for fork in metric.get("rawData", []) for v in fork] or [metric["score"]]
                ms = statistics.median(samples) * UNIT_MS.get(metric["scoreUnit"], float("nan"))
                if cls in JMH_CELL and "shape" in params:
                    b, t, i, h = map(int, re.findall(r"\d+", params["shape"]))
                    found[(JMH_CELL[cls], (b, t, i, h), method)] = ms
                elif "Gemm" in cls:
                    dims = gemm_dims(params)
                    if dims:
                        found[("gemm", dims, method)] = ms
    return found


def read_cpu_csv(paths):
    """{(cell, shape, 'tape'|'fused'): ms} from InterleavedRatio's CSV (thread CPU time medians)."""
    found = {}
    for path in paths:
        with open(path) as f:
            next(f)
            for line in f:
                cell, b, t, i, h, tape, fused, paired = line.strip().split(",")
                shape = (int(b), int(t), int(i), int(h))
                found[(cell, shape, "tape")] = float(tape)
                if fused:
                    found[(cell, shape, "fused")] = float(fused)
                    found[(cell, shape, "ratio")] = float(paired)  # median of per-round ratios
    return found


def gemm_dims(params):
    """(M, K, N) from a GEMM benchmark's parameters: m/k/n, or one value like '32x64x256' read as MxKxN."""
    lower = {k.lower(): v for k, v in params.items()}
    if all(d in lower for d in "mkn"):
        return int(lower["m"]), int(lower["k"]), int(lower["n"])
    for value in params.values():
        numbers = re.findall(r"\d+", value)
        if len(numbers) == 3:
            return tuple(map(int, numbers))
    return None


def fmt(x):
    return "-" if x is None else (f"{x:.3f}" if x < 10 else f"{x:.1f}")


def ratio(a, b):
    return "-" if a is None or b is None else f"{a / b:.2f}"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--jmh", action="append", default=[], help="JMH result JSON (-rf json -rff FILE); repeatable")
    p.add_argument("--cpu-csv", action="append", default=[],
                   help="InterleavedRatio --csv output (CPU ms); takes precedence over JMH for the recurrent rows")
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--budget", type=float, default=3.0, help="seconds of timed runs per measurement (default 3)")
    p.add_argument("--cells", nargs="+", default=list(CELLS), choices=list(CELLS))
    p.add_argument("--skip-large", action="store_true", help="leave out B=64,H=512")
    p.add_argument("--no-gemm", action="store_true")
    p.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                   help="cpu: process CPU time (all threads), robust to other load; with 1 thread it is the latency")
    args = p.parse_args()
    global CLOCK
    CLOCK = time.process_time if args.clock == "cpu" else time.perf_counter

    jmh = read_jmh(args.jmh)
    jmh.update(read_cpu_csv(args.cpu_csv))
    torch.set_num_interop_threads(1)
    shapes = [s for s in SHAPES if not (args.skip_large and s[3] == 512)]
    gemms = sorted(set(GEMMS) | {key for kind, key, _ in jmh if kind == "gemm"})
    t0 = args.threads[0]

    def torch_cols(measure, key):
        cols = {}
        for threads in args.threads:
            torch.set_num_threads(threads)
            cols[("f64", threads)] = measure(key, torch.float64, args.budget)
        torch.set_num_threads(t0)
        cols[("f32", t0)] = measure(key, torch.float32, args.budget)
        return cols

    heads = [f"torch f64 {t}t" for t in args.threads] + [f"torch f32 {t0}t"]
    print(f"PyTorch {torch.__version__}, median {args.clock} ms per forward+backward (recurrent, loss = sum h_T) or per product (GEMM)")
    source = "InterleavedRatio CPU ms" if args.cpu_csv else "JMH median ms" if args.jmh else "no tapegrad figures"
    print(f"tapegrad columns: {source}" + ("; with --clock cpu a 2-thread column is the CPU of both threads, not latency"
                                          if args.clock == "cpu" and max(args.threads) > 1 else ""))
    print()
    print("| cell | B,T,I,H | tapegrad tape | tapegrad fused | tape/fused | " + " | ".join(heads) + f" | tape/torch f64 {t0}t |")
    print("|---" * (6 + len(heads)) + "|")
    for cell in args.cells:
        for shape in shapes:
            cols = torch_cols(lambda key, dt, bud: recurrent_ms(cell, key, dt, bud), shape)
            tape = jmh.get((cell, shape, "tape"))
            fused = jmh.get((cell, shape, "fused"))
            torch_cells = [fmt(cols[("f64", t)]) for t in args.threads] + [fmt(cols[("f32", t0)])]
            paired = jmh.get((cell, shape, "ratio"))
            tape_fused = f"{paired:.2f}" if paired is not None else ratio(tape, fused)
            print(f"| {cell} | {','.join(map(str, shape))} | {fmt(tape)} | {fmt(fused)} | {tape_fused} | "
                  + " | ".join(torch_cells) + f" | {ratio(tape, cols[('f64', t0)])} |", flush=True)
    if args.no_gemm:
        return
    print()
    print("| GEMM M×K·K×N | tapegrad (JMH) | " + " | ".join(heads) + f" | tapegrad/torch f64 {t0}t |")
    print("|---" * (3 + len(heads)) + "|")
    for shape in gemms:
        cols = torch_cols(gemm_ms, shape)
        ours = sorted((variant, ms) for kind, key, variant in jmh for ms in [jmh[(kind, key, variant)]] if kind == "gemm" and key == shape)
        label = "; ".join(f"{v} {fmt(ms)}" for v, ms in ours) or "-"
        best = min((ms for _, ms in ours), default=None)
        torch_cells = [fmt(cols[("f64", t)]) for t in args.threads] + [fmt(cols[("f32", t0)])]
        print(f"| {shape[0]}×{shape[1]}·{shape[1]}×{shape[2]} | {label} | " + " | ".join(torch_cells)
              + f" | {ratio(best, cols[('f64', t0)])} |", flush=True)


if __name__ == "__main__":
    main()
