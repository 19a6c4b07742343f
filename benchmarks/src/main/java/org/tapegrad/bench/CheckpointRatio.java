package org.tapegrad.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.train.CheckpointSchedule;

/**
 * Checkpointed vs full-tape BPTT measured side by side on a machine shared with other work (as {@link InterleavedRatio}
 * does for the tape overhead): every round runs the full tape and the checkpointed run back to back, in alternating
 * order, timed by the thread's CPU time; the figure is the median of the per-round ratios. Both run on one thread
 * ({@link TapeKernels#oneThread()}, whatever {@code -Dtapegrad.threads} says): with a pool worker the thread's CPU
 * time would leave out the weight gradients it adds, and its queue would hold more at the peak. Memory is the buffer
 * pool's account of the peak of each. With {@code --long=T} it instead runs only the checkpointed side at that T
 * (e.g. 100000 under {@code -Xmx2g}) and prints its time, peak and the heap limit.
 *
 * <pre>java --add-modules jdk.incubator.vector -Xmx8g -cp benchmarks/target/benchmarks.jar org.tapegrad.bench.CheckpointRatio [--steps=10000] [--rounds=7]
 * java --add-modules jdk.incubator.vector -Xmx2g -cp benchmarks/target/benchmarks.jar org.tapegrad.bench.CheckpointRatio --long=100000</pre>
 */
public final class CheckpointRatio {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CheckpointRatio() {
    }

    public static void main(String[] args) throws Exception {
        ToolArguments.run("CheckpointRatio", () -> run(args));
    }

    private static void run(String[] args) {
        int steps = 10_000;
        int rounds = 7;
        int longSteps = 0;
        for (String a : args) {
            if (a.startsWith("--steps=")) {
                steps = ToolArguments.atLeast("--steps", a.substring(8), 1);
            } else if (a.startsWith("--rounds=")) {
                rounds = ToolArguments.atLeast("--rounds", a.substring(9), 1);
            } else if (a.startsWith("--long=")) {
                longSteps = ToolArguments.atLeast("--long", a.substring(7), 1);
            } else {
                throw ToolArguments.unknown(a, "--steps=N, --rounds=N or --long=N");
            }
        }
        if (longSteps > 0) {
            CheckpointRun run = CheckpointBenchmark.workload(longSteps, TapeKernels.ONE);
            for (int r = 0; r < 2; r++) {
                long t0 = THREADS.getCurrentThreadCpuTime();
                run.checkpointed();
                double ms = (THREADS.getCurrentThreadCpuTime() - t0) / 1e6;
                System.out.printf(Locale.ROOT, "checkpointed T=%d, 1 thread: %.0f ms (%.3f ms per step), peak %.1f MiB, max heap %.0f MiB%n", longSteps, ms,
                        ms / longSteps, run.checkpointedPeakBytes / (1024.0 * 1024.0), Runtime.getRuntime().maxMemory() / (1024.0 * 1024.0));
            }
            return;
        }
        CheckpointRun run = CheckpointBenchmark.workload(steps, TapeKernels.ONE);
        run.full();
        run.checkpointed();
        double[] ratios = new double[rounds];
        double[] fullMs = new double[rounds];
        double[] ckptMs = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            boolean fullFirst = r % 2 == 0;
            double a = fullFirst ? time(run, true) : 0;
            double b = time(run, false);
            if (!fullFirst) {
                a = time(run, true);
            }
            fullMs[r] = a;
            ckptMs[r] = b;
            ratios[r] = b / a;
        }
        Arrays.sort(ratios);
        Arrays.sort(fullMs);
        Arrays.sort(ckptMs);
        System.out.printf(Locale.ROOT, "T=%d B=16 I=32 H=64, 1 thread, %d rounds: full tape %.0f ms, checkpointed √T %.0f ms (medians), time ratio %.3f (median of rounds)%n",
                steps, rounds, fullMs[rounds / 2], ckptMs[rounds / 2], ratios[rounds / 2]);
        System.out.printf(Locale.ROOT, "peak bytes: full tape %d (%.1f MiB, %.1f KiB per step), checkpointed %d (%.2f MiB), memory ratio %.4f%n",
                run.fullPeakBytes, run.fullPeakBytes / (1024.0 * 1024.0), run.fullPeakBytes / 1024.0 / steps, run.checkpointedPeakBytes,
                run.checkpointedPeakBytes / (1024.0 * 1024.0), (double) run.checkpointedPeakBytes / run.fullPeakBytes);
    }

    private static double time(CheckpointRun run, boolean full) {
        long t0 = THREADS.getCurrentThreadCpuTime();
        if (full) {
            run.full();
        } else {
            run.checkpointed();
        }
        return (THREADS.getCurrentThreadCpuTime() - t0) / 1e6;
    }
}
