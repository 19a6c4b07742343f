#!/usr/bin/python3
"""tapegrad vs PyTorch on the benchmark shapes (not part of CI).

Times PyTorch on the same recurrent configurations as LstmBenchmark / GruBenchmark / RnnBenchmark (forward +
backward through time, loss = sum of h_T, gradients for every parameter; the input needs no gradient) and on a few
GEMM shapes, in float32 and float64, at each requested thread count, by WALL CLOCK (median of several runs). Given
JMH results (`-rf json -rff FILE`; the median of the measurement iterations is used), prints tapegrad beside
PyTorch per cell, shape, dtype and thread count.

    /usr/bin/python3 benchmarks/pytorch_compare.py --jmh rec.json [--jmh gemm.json ...] [--threads 1 2]

Threads: each thread count is measured in a child process started with OMP_NUM_THREADS set to that count (it must
be set before torch and its OpenMP runtime load, so the parent never imports torch) and OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE removed from the child's environment; the child also calls torch.set_num_threads(count) and
torch.set_num_interop_threads(1), and checks that torch reports that count.

Process CPU time is deliberately not offered: with OpenMP it counts the threads spinning while they wait, which
inflated PyTorch's figures (LSTM B=1: 13.6 ms by CPU time, 7.8 ms by wall clock).

tapegrad figures are read from JMH JSON: the benchmark's `threads` parameter (or `-Dtapegrad.threads=N` among the
fork's JVM arguments) gives the thread count, a `dtype` parameter (any value containing 32 or 64) the element type,
float64 when there is none.

Interleaved (--interleaved): on a shared machine the speed of a core can move by 2x within minutes, so a JMH run
followed by the PyTorch runs compares two different machines. With --interleaved the script starts the tapegrad
timing server (org.tapegrad.bench.TapeServer, from --jar) and one persistent PyTorch child per thread count, and for
every row alternates rounds of the two (--rounds, --round-seconds of calls each, at least 3 calls, the order
swapped every round); it prints each side's median over the rounds and the median of the per-round ratios.

Only the standard library and torch are used.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

SHAPES = [(1, 100, 64, 64), (32, 100, 64, 128), (64, 50, 128, 512), (16, 1000, 32, 64)]  # B, T, I, H
GEMMS = [(1, 64, 256), (32, 64, 256), (32, 192, 512), (512, 512, 512)]   # M, K, N (the shapes)
CELLS = ["lstm", "gru", "rnn"]
DTYPES = ["f32", "f64"]
JMH_CELL = {"LstmBenchmark": "lstm", "GruBenchmark": "gru", "RnnBenchmark": "rnn"}
UNIT_MS = {"ns/op": 1e-6, "us/op": 1e-3, "ms/op": 1.0, "s/op": 1e3}
CHILD_ENV_REMOVED = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


# ---------------------------------------------------------------------------------------------------- child: torch

def median_ms(fn, budget_s):
    """Median wall-clock time of fn() in ms, after two warm-up calls; as many runs as fit the budget (3..15)."""
    fn()
    start = time.perf_counter()
    fn()
    once = time.perf_counter() - start
    runs = max(3, min(15, int(budget_s / max(once, 1e-9))))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def torch_setup(threads):
    import torch

    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    if torch.get_num_threads() != threads:
        sys.exit(f"pytorch_compare: torch runs {torch.get_num_threads()} threads, asked for {threads}")
    return torch


def recurrent_step(torch, cell, shape, dtype):
    """One forward + backward of a seeded torch.nn module on the benchmark inputs, as a callable."""
    modules = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}  # RNN default nonlinearity: tanh
    b, t, i, h = shape
    torch.manual_seed(7)
    module = modules[cell](i, h, dtype={"f32": torch.float32, "f64": torch.float64}[dtype])
    x = torch.rand(t, b, i, dtype=module.weight_ih_l0.dtype) * 2 - 1

    def step():
        module.zero_grad(set_to_none=False)
        out, _ = module(x)
        out[-1].sum().backward()

    return step


def timed_ms(fn, seconds):
    """Median wall-clock ms and count of the calls of fn that fit in seconds, at least 3."""
    times = []
    end = time.perf_counter() + seconds
    while len(times) < 3 or time.perf_counter() < end:
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times), len(times)


def serve(args):
    """Answers 'cell B T I H dtype seconds' lines with 'ok <ms> <calls>' (a row's first request warms it up first)."""
    torch = torch_setup(args.threads[0])
    print(f"ready {torch.__version__} {os.environ.get('OMP_NUM_THREADS')} {torch.get_num_threads()}", flush=True)
    steps = {}
    for line in sys.stdin:
        f = line.split()
        if not f:
            continue
        key = (f[0], tuple(map(int, f[1:5])), f[5])
        seconds = float(f[6])
        if key not in steps:
            steps[key] = recurrent_step(torch, *key)
            timed_ms(steps[key], max(3 * seconds, 4.0))   # as TapeServer warms a row
        ms, calls = timed_ms(steps[key], seconds)
        print(f"ok {ms:.4f} {calls}", flush=True)


def child(args):
    """Measures every row at one thread count and prints {"rows": [...], ...} as JSON on stdout."""
    import torch

    threads = args.threads[0]
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    if torch.get_num_threads() != threads:
        sys.exit(f"pytorch_compare: torch runs {torch.get_num_threads()} threads, asked for {threads}")
    modules = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}  # RNN default nonlinearity: tanh
    dtypes = {"f32": torch.float32, "f64": torch.float64}

    def recurrent_ms(cell, shape, dtype):
        b, t, i, h = shape
        torch.manual_seed(7)
        module = modules[cell](i, h, dtype=dtype)
        x = torch.rand(t, b, i, dtype=dtype) * 2 - 1

        def step():
            module.zero_grad(set_to_none=False)
            out, _ = module(x)
            out[-1].sum().backward()

        return median_ms(step, args.budget)

    def gemm_ms(shape, dtype):
        m, k, n = shape
        a = torch.rand(m, k, dtype=dtype)
        b = torch.rand(k, n, dtype=dtype)
        c = torch.empty(m, n, dtype=dtype)
        return median_ms(lambda: torch.mm(a, b, out=c), args.budget)

    rows = []
    for cell in args.cells:
        for shape in shapes(args):
            for dt in DTYPES:
                rows.append({"kind": cell, "shape": shape, "dtype": dt, "ms": recurrent_ms(cell, tuple(shape), dtypes[dt])})
                print(f"  {threads} thr {cell} {shape} {dt}: {rows[-1]['ms']:.3f} ms", file=sys.stderr, flush=True)
    if not args.no_gemm:
        for shape in args.gemm_shapes:
            for dt in DTYPES:
                rows.append({"kind": "gemm", "shape": shape, "dtype": dt, "ms": gemm_ms(tuple(shape), dtypes[dt])})
    json.dump({"threads": threads, "torch": torch.__version__, "omp": os.environ.get("OMP_NUM_THREADS"),
               "torch_threads": torch.get_num_threads(), "rows": rows}, sys.stdout)


# ------------------------------------------------------------------------------------------ parent: spawn and print

def run_child(args, threads):
    env = dict(os.environ)
    for name in CHILD_ENV_REMOVED:
        env.pop(name, None)
    env["OMP_NUM_THREADS"] = str(threads)
    command = [sys.executable, os.path.abspath(__file__), "--child", "--threads", str(threads),
               "--budget", str(args.budget), "--cells", *args.cells]
    if args.skip_large:
        command.append("--skip-large")
    for shape in args.shape:
        command += ["--shape", shape]
    if args.no_gemm:
        command.append("--no-gemm")
    for shape in args.gemm_shapes:
        command += ["--gemm", "x".join(map(str, shape))]
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, check=True, text=True)
    return json.loads(done.stdout)


def child_env(threads):
    env = dict(os.environ)
    for name in CHILD_ENV_REMOVED:
        env.pop(name, None)
    env["OMP_NUM_THREADS"] = str(threads)
    return env


class LineServer:
    """A child process answering one request line with one reply line."""

    def __init__(self, command, env=None):
        self.process = subprocess.Popen(command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def ask(self, request):
        self.process.stdin.write(request + "\n")
        self.process.stdin.flush()
        reply = self.process.stdout.readline().split()
        if not reply or reply[0] != "ok":
            sys.exit(f"pytorch_compare: '{request}' answered {' '.join(reply) or 'nothing (the process ended)'}")
        return float(reply[1])

    def close(self):
        self.process.stdin.close()
        self.process.wait()


def interleaved(args):
    jar = os.path.abspath(args.jar)
    if not os.path.isfile(jar):
        sys.exit(f"pytorch_compare: --jar {args.jar}: no such file (build it with mvn -B -q -DskipTests package)")
    tape = LineServer(["java", "--add-modules", "jdk.incubator.vector", "-cp", jar, "org.tapegrad.bench.TapeServer"])
    torches = {}
    info = []
    for threads in args.threads:
        torches[threads] = LineServer([sys.executable, os.path.abspath(__file__), "--serve", "--threads", str(threads)],
                                      env=child_env(threads))
        ready = torches[threads].process.stdout.readline().split()
        if not ready or ready[0] != "ready":
            sys.exit(f"pytorch_compare: the PyTorch child for {threads} thread(s) did not start")
        info.append((threads, ready[1], ready[2], ready[3]))
    print(f"PyTorch {info[0][1]} and tapegrad ({jar}) in alternating rounds, {args.rounds} rounds of "
          f"{args.round_seconds:g} s of calls (at least 3) per side and row, the order swapped every round: median "
          f"WALL-CLOCK ms per forward+backward (loss = sum h_T) over the rounds, and the median of the per-round ratios")
    for threads, _, omp, reported in info:
        print(f"  {threads} thread(s): PyTorch child with OMP_NUM_THREADS={omp}, torch.set_num_threads({threads}) "
              f"(torch reports {reported}), {' and '.join(CHILD_ENV_REMOVED)} unset; tapegrad tape with {threads}-thread kernels")
    print()
    heads = []
    for t in args.threads:
        heads += [f"tapegrad {t}t", f"torch {t}t", f"tape/torch {t}t"]
    print("| cell | B,T,I,H | dtype | " + " | ".join(heads) + " |")
    print("|---" * (3 + len(heads)) + "|")
    for cell in args.cells:
        for shape in map(tuple, shapes(args)):
            for dt in DTYPES:
                cells = []
                for t in args.threads:
                    ours, theirs, ratios = [], [], []
                    for r in range(args.rounds):
                        ask_tape = lambda: tape.ask(f"{cell} B{shape[0]}_T{shape[1]}_I{shape[2]}_H{shape[3]} {dt} {t} {args.round_seconds}")
                        ask_torch = lambda: torches[t].ask(f"{cell} {' '.join(map(str, shape))} {dt} {args.round_seconds}")
                        if r % 2 == 0:
                            a, b = ask_tape(), ask_torch()
                        else:
                            b, a = ask_torch(), ask_tape()
                        ours.append(a)
                        theirs.append(b)
                        ratios.append(a / b)
                    cells += [fmt(statistics.median(ours)), fmt(statistics.median(theirs)), f"{statistics.median(ratios):.2f}"]
                print(f"| {cell} | {','.join(map(str, shape))} | {dt} | " + " | ".join(cells) + " |", flush=True)
    tape.close()
    for server in torches.values():
        server.close()


def read_jmh(paths):
    """{(kind, shape, dtype, threads, method): ms} from JMH JSON files; kind is a cell name or 'gemm'."""
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
                threads = jmh_threads(params, row.get("jvmArgs", []))
                dtype = jmh_dtype(params)
                if cls in JMH_CELL and "shape" in params:
                    shape = tuple(map(int, re.findall(r"\d+", params["shape"])))
                    found[(JMH_CELL[cls], shape, dtype, threads, method)] = ms
                elif "Gemm" in cls and "kernel" in params:
                    dims = gemm_dims(params)
                    if dims:
                        found[("gemm", dims, dtype, threads, params["kernel"])] = ms
    return found


def jmh_threads(params, jvm_args):
    value = params.get("threads")
    if value is not None and value.isdigit():
        return int(value)
    for arg in reversed(jvm_args):
        m = re.fullmatch(r"-Dtapegrad\.threads=(\d+)", arg)
        if m:
            return int(m.group(1))
    return None   # the JVM's default: one per core


def jmh_dtype(params):
    value = str(params.get("dtype", "f64")).lower()
    return "f32" if "32" in value else "f64"


def gemm_dims(params):
    """(M, K, N) from a GEMM benchmark's parameters: m/k/n, or a shape like '32x64x256' read as MxKxN."""
    lower = {k.lower(): v for k, v in params.items()}
    if all(d in lower for d in "mkn"):
        return int(lower["m"]), int(lower["k"]), int(lower["n"])
    shape = params.get("shape", "")
    if ":" in shape:   # A transposed or B transposed: not the plain product PyTorch is timed on
        return None
    numbers = re.findall(r"\d+", shape)
    return tuple(map(int, numbers)) if len(numbers) == 3 else None


def shapes(args):
    chosen = [tuple(map(int, s.split(","))) for s in args.shape] or SHAPES
    return [list(s) for s in chosen if not (args.skip_large and s[3] == 512)]


def fmt(x):
    return "-" if x is None else (f"{x:.3f}" if x < 10 else f"{x:.1f}")


def ratio(a, b):
    return "-" if a is None or b is None else f"{a / b:.2f}"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--jmh", action="append", default=[], help="JMH result JSON (-rf json -rff FILE); repeatable")
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2], help="thread counts (default 1 2)")
    p.add_argument("--budget", type=float, default=3.0, help="seconds of timed runs per measurement (default 3)")
    p.add_argument("--cells", nargs="+", default=CELLS, choices=CELLS)
    p.add_argument("--skip-large", action="store_true", help="leave out B=64,H=512")
    p.add_argument("--shape", action="append", default=[], metavar="B,T,I,H", help="a recurrent shape to time (default: the four)")
    p.add_argument("--no-gemm", action="store_true")
    p.add_argument("--gemm", action="append", default=[], metavar="MxKxN", help="GEMM shape to time (default: the issue's four)")
    p.add_argument("--interleaved", action="store_true", help="alternate rounds of tapegrad (TapeServer) and PyTorch per row")
    p.add_argument("--jar", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "target", "benchmarks.jar"),
                   help="the benchmarks jar for --interleaved (default: benchmarks/target/benchmarks.jar)")
    p.add_argument("--rounds", type=int, default=5, help="rounds per side and row with --interleaved (default 5)")
    p.add_argument("--round-seconds", type=float, default=1.0, help="seconds of calls per round with --interleaved (default 1)")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    for shape in args.shape:
        if not re.fullmatch(r"\d+,\d+,\d+,\d+", shape):
            p.error(f"--shape {shape}: expected B,T,I,H (four positive integers, e.g. 64,50,128,512)")
    if args.serve:
        serve(args)
        return
    if args.interleaved:
        if args.jmh:
            p.error("--interleaved times tapegrad itself: leave out --jmh")
        interleaved(args)
        return
    args.gemm_shapes = [list(map(int, g.split("x"))) for g in args.gemm] or [list(g) for g in GEMMS]
    if args.child:
        child(args)
        return

    jmh = read_jmh(args.jmh)
    torch_ms = {}
    info = []
    for threads in args.threads:
        print(f"measuring PyTorch at {threads} thread(s) in a child process ...", file=sys.stderr, flush=True)
        result = run_child(args, threads)
        info.append(result)
        for row in result["rows"]:
            torch_ms[(row["kind"], tuple(row["shape"]), row["dtype"], threads)] = row["ms"]

    print(f"PyTorch {info[0]['torch']}: median WALL-CLOCK ms per forward+backward (recurrent, loss = sum h_T) or per "
          f"product (GEMM), {args.budget:g} s of runs per figure")
    for result in info:
        print(f"  {result['threads']} thread(s): child process with OMP_NUM_THREADS={result['omp']}, "
              f"torch.set_num_threads({result['threads']}) (torch reports {result['torch_threads']}), "
              f"{' and '.join(CHILD_ENV_REMOVED)} unset")
    print("tapegrad: " + (f"JMH median ms from {', '.join(args.jmh)} (threads from the `threads` parameter or "
                          "-Dtapegrad.threads; '-' where the run has no such row)" if args.jmh else "no JMH file given"))
    print()
    heads = []
    for t in args.threads:
        heads += [f"tapegrad {t}t", f"torch {t}t", f"tape/torch {t}t"]
    speedup = len(args.threads) > 1
    last = args.threads[-1]
    print("| cell | B,T,I,H | dtype | " + " | ".join(heads) + (f" | tapegrad {args.threads[0]}t/{last}t |" if speedup else " |"))
    print("|---" * (3 + len(heads) + speedup) + "|")
    for cell in args.cells:
        for shape in map(tuple, shapes(args)):
            for dt in DTYPES:
                cells = []
                for t in args.threads:
                    ours = jmh.get((cell, shape, dt, t, "tape"))
                    if ours is None and t == max(args.threads):
                        ours = jmh.get((cell, shape, dt, None, "tape"))   # JVM default: one thread per core
                    theirs = torch_ms.get((cell, shape, dt, t))
                    cells += [fmt(ours), fmt(theirs), ratio(ours, theirs)]
                row = f"| {cell} | {','.join(map(str, shape))} | {dt} | " + " | ".join(cells)
                if speedup:
                    first = jmh.get((cell, shape, dt, args.threads[0], "tape"))
                    end = jmh.get((cell, shape, dt, last, "tape")) or jmh.get((cell, shape, dt, None, "tape"))
                    row += f" | {ratio(first, end)}"
                print(row + " |")
    if args.no_gemm:
        return
    print()
    print("| GEMM M×K·K×N | dtype | " + " | ".join(f"tapegrad {t}t (kernel ms) | torch {t}t" for t in args.threads) + " |")
    print("|---" * (2 + 2 * len(args.threads)) + "|")
    for shape in map(tuple, args.gemm_shapes):
        for dt in DTYPES:
            cells = []
            for t in args.threads:
                ours = sorted((key[4], ms) for key, ms in jmh.items() if key[:4] == ("gemm", shape, dt, t))
                cells += ["; ".join(f"{kernel} {fmt(ms)}" for kernel, ms in ours) or "-",
                          fmt(torch_ms.get(("gemm", shape, dt, t)))]
            print(f"| {shape[0]}×{shape[1]}·{shape[1]}×{shape[2]} | {dt} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
