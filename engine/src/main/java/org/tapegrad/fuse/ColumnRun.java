package org.tapegrad.fuse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.tapegrad.kernel.GemmThreads;
import org.tapegrad.kernel.Kernels;
import org.tapegrad.kernel.SplitWork;

/**
 * Consecutive element-wise instructions of a fused step run block by block of columns: forward, every instruction of
 * the run on columns {@code [from, to)} before the next block (the values one instruction writes are still in cache
 * when the next reads them); backward, every VJP of the run in reverse on a block before the next. A run is made only
 * when its blocks touch disjoint memory ({@link #joins}), so each element is computed by the same operations in the
 * same order as by the instructions one whole pass after another: the result is bitwise that of the unblocked program,
 * whatever the block size and whichever thread runs a block. When the run's work reaches {@link SplitWork}'s threshold
 * (the one the tape's own element-wise ops split at, with the same cost per element), its blocks are split over the
 * tape's threads, one hand-off for the whole run.
 */
final class ColumnRun extends Instruction {

    /** Blocks run by a thread other than the caller's, for tests that must see a run really split. */
    private static final AtomicLong WORKER_BLOCKS = new AtomicLong();

    private final Instruction[] members;
    private final int columns;
    private final int blockColumns;
    /** The run's work in {@link SplitWork}'s units: elements times their cost, summed over the instructions. */
    private final long work;
    private final long minParallelWork;

    private ColumnRun(List<Instruction> members, Schedule schedule) {
        this.members = members.toArray(new Instruction[0]);
        this.columns = members.get(0).splitColumns();
        long perColumn = 0;   // elements of every distinct region in one column: what one column of the run touches
        long units = 0;
        List<Ref> seen = new ArrayList<>();
        for (Instruction m : members) {
            Ref[] regions = m.regions();
            for (Ref r : regions) {
                if (!seen.contains(r)) {
                    seen.add(r);
                    perColumn += r.rows();
                }
            }
            units += (long) regions[regions.length - 1].size() * m.cost();
        }
        this.blockColumns = (int) Math.max(1, Math.min(columns, schedule.blockElements() / Math.max(1, perColumn)));
        this.work = units;
        this.minParallelWork = schedule.minParallelWork();
    }

    /**
     * Groups {@code code} into runs: consecutive instructions that split into the same number of columns and that
     * {@link #joins join}; runs of one instruction, and instructions that do not split (products), stay as they are.
     */
    static List<Instruction> group(List<Instruction> code, Schedule schedule) {
        List<Instruction> out = new ArrayList<>();
        List<Instruction> run = new ArrayList<>();
        for (Instruction i : code) {
            if (!run.isEmpty() && !joins(run, i)) {
                flush(run, out, schedule);
            }
            if (i.splitColumns() > 0 && selfConsistent(i)) {
                run.add(i);
            } else {
                flush(run, out, schedule);
                out.add(i);
            }
        }
        flush(run, out, schedule);
        return out;
    }

    private static void flush(List<Instruction> run, List<Instruction> out, Schedule schedule) {
        if (run.size() == 1 && run.get(0).splitColumns() == 1) {
            out.add(run.get(0));
        } else if (!run.isEmpty()) {
            out.add(new ColumnRun(run, schedule));
        }
        run.clear();
    }

    /**
     * Whether {@code next} may run in the same column blocks as {@code run}: same number of columns, and every region
     * it reads or writes is either disjoint from every region of the run or the very same region (same buffer, offset
     * and rows), so column j of one is column j of the other and a block of columns touches only its own memory.
     */
    static boolean joins(List<Instruction> run, Instruction next) {
        int cols = run.get(0).splitColumns();
        if (next.splitColumns() != cols || !selfConsistent(next)) {
            return false;
        }
        for (Ref r : next.regions()) {
            for (Instruction m : run) {
                for (Ref q : m.regions()) {
                    if (!compatible(r, q)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** An instruction's own regions have its column count and overlap only when equal. */
    private static boolean selfConsistent(Instruction i) {
        Ref[] regions = i.regions();
        for (int a = 0; a < regions.length; a++) {
            if (regions[a].cols() != i.splitColumns()) {
                return false;
            }
            for (int b = a + 1; b < regions.length; b++) {
                if (!compatible(regions[a], regions[b])) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether two regions are in different buffers, or do not overlap, or are the very same region. */
    static boolean compatible(Ref r, Ref q) {
        if (r.buffer() != q.buffer()) {
            return true;
        }
        return !overlaps(r, q) || (r.offset() == q.offset() && r.rows() == q.rows());
    }

    /** Whether two regions share an element. */
    static boolean overlaps(Ref r, Ref q) {
        return r.buffer() == q.buffer() && r.offset() < q.offset() + q.size() && q.offset() < r.offset() + r.size();
    }

    /** How many blocks to cut the columns into for {@code shares} shares: cache-sized, and a multiple of the shares. */
    private int blocks(int shares) {
        int blocks = (columns + blockColumns - 1) / blockColumns;
        if (shares > 1) {
            blocks = (Math.max(blocks, shares) + shares - 1) / shares * shares;
        }
        return Math.min(blocks, columns);
    }

    private int from(int block, int blocks) {
        return (int) ((long) block * columns / blocks);
    }

    /** The columns of one block, forward or backward. */
    private interface BlockBody {
        void run(int from, int to);
    }

    /**
     * Runs {@code body} on every block: split into one share per thread of the tape's (each share a run of
     * consecutive blocks) when the run's work reaches the threshold, else all on this thread.
     */
    private void forEachBlock(Kernels kernels, BlockBody body) {
        int threads = columns > 1 ? kernels.gemm().threads() : 1;
        SplitWork.Share share = (index, shares) -> {
            int blocks = blocks(shares);
            for (int b = index * blocks / shares, end = (index + 1) * blocks / shares; b < end; b++) {
                body.run(from(b, blocks), from(b + 1, blocks));
            }
        };
        if (threads <= 1 || (minParallelWork >= 0 && work < minParallelWork)) {
            share.run(0, 1);
            return;
        }
        Thread caller = Thread.currentThread();
        SplitWork.Share counted = (index, shares) -> {
            share.run(index, shares);
            if (Thread.currentThread() != caller) {
                WORKER_BLOCKS.incrementAndGet();
            }
        };
        if (minParallelWork < 0) {
            SplitWork.shares(threads, work, counted);   // the threshold every op of the tape splits at
        } else {
            GemmThreads.forBlocks(threads, threads, index -> counted.run(index, threads));
        }
    }

    @Override
    void forward(double[][] values, Kernels kernels) {
        forEachBlock(kernels, (from, to) -> {
            for (Instruction m : members) {
                m.forward(values, kernels, from, to);
            }
        });
    }

    @Override
    void backward(double[][] values, double[][] grads, Kernels kernels) {
        forEachBlock(kernels, (from, to) -> {
            for (int k = members.length - 1; k >= 0; k--) {
                members[k].backward(values, grads, kernels, from, to);
            }
        });
    }

    @Override
    void forward32(float[][] values, Kernels kernels) {
        forEachBlock(kernels, (from, to) -> {
            for (Instruction m : members) {
                m.forward32(values, kernels, from, to);
            }
        });
    }

    @Override
    void backward32(float[][] values, float[][] grads, Kernels kernels) {
        forEachBlock(kernels, (from, to) -> {
            for (int k = members.length - 1; k >= 0; k--) {
                members[k].backward32(values, grads, kernels, from, to);
            }
        });
    }

    /** Blocks run on a worker thread so far in this JVM. */
    static long workerBlocks() {
        return WORKER_BLOCKS.get();
    }

    @Override
    String describe() {
        StringBuilder s = new StringBuilder("run of ").append(members.length).append(" over ").append(columns).append(" columns in ")
                .append(blocks(1)).append(" blocks, work ").append(work).append(':');
        for (Instruction m : members) {
            s.append("\n  ").append(m.describe());
        }
        return s.toString();
    }
}
