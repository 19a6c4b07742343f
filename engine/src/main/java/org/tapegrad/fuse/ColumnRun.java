package org.tapegrad.fuse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.tapegrad.kernel.GemmThreads;
import org.tapegrad.kernel.Kernels;

/**
 * Consecutive element-wise instructions of a fused step run block by block of columns: forward, every instruction of
 * the run on columns {@code [from, to)} before the next block (the values one instruction writes are still in cache
 * when the next reads them); backward, every VJP of the run in reverse on a block before the next. A run is made only
 * when its blocks touch disjoint memory ({@link #joins}), so each element is computed by the same operations in the
 * same order as by the instructions one whole pass after another: the result is bitwise that of the unblocked program,
 * whatever the block size and whichever thread runs a block. When the run is large enough, its blocks are split over
 * the tape's GEMM threads ({@link GemmThreads#forBlocks}).
 */
final class ColumnRun extends Instruction {

    /** Blocks run by a thread other than the caller's, for tests that must see a run really split. */
    private static final AtomicLong WORKER_BLOCKS = new AtomicLong();

    private final Instruction[] members;
    private final int columns;
    private final int blockColumns;
    private final boolean parallel;

    private ColumnRun(List<Instruction> members, Schedule schedule) {
        this.members = members.toArray(new Instruction[0]);
        this.columns = members.get(0).splitColumns();
        long perColumn = 0;   // elements of every distinct region in one column: what one column of the run touches
        long work = 0;        // elements the run's instructions compute, summed
        List<Ref> seen = new ArrayList<>();
        for (Instruction m : members) {
            for (Ref r : m.regions()) {
                if (!seen.contains(r)) {
                    seen.add(r);
                    perColumn += r.rows();
                }
            }
            work += (long) m.regions()[m.regions().length - 1].size();
        }
        this.blockColumns = (int) Math.max(1, Math.min(columns, schedule.blockElements() / Math.max(1, perColumn)));
        this.parallel = work >= schedule.minParallelElements() && columns > 1;
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

    /** How many blocks to cut the columns into on {@code threads} threads: cache-sized, and a multiple of the threads. */
    private int blocks(int threads) {
        int blocks = (columns + blockColumns - 1) / blockColumns;
        if (threads > 1) {
            blocks = (Math.max(blocks, threads) + threads - 1) / threads * threads;
        }
        return Math.min(blocks, columns);
    }

    private int threads(Kernels kernels) {
        return parallel ? kernels.gemm().threads() : 1;
    }

    private int from(int block, int blocks) {
        return (int) ((long) block * columns / blocks);
    }

    /** Runs {@code body} for every block, on the tape's threads when the run is large enough. */
    private void forEachBlock(Kernels kernels, GemmThreads.Block body) {
        int threads = threads(kernels);
        int blocks = blocks(threads);
        if (threads <= 1 || blocks <= 1) {
            for (int b = 0; b < blocks; b++) {
                body.run(b);
            }
            return;
        }
        Thread caller = Thread.currentThread();
        GemmThreads.forBlocks(blocks, threads, b -> {
            body.run(b);
            if (Thread.currentThread() != caller) {
                WORKER_BLOCKS.incrementAndGet();
            }
        });
    }

    @Override
    void forward(double[][] values, Kernels kernels) {
        int blocks = blocks(threads(kernels));
        if (blocks == 1) {   // one block on this thread: no body to make
            for (Instruction m : members) {
                m.forward(values, kernels, 0, columns);
            }
            return;
        }
        forEachBlock(kernels, b -> {
            int from = from(b, blocks);
            int to = from(b + 1, blocks);
            for (Instruction m : members) {
                m.forward(values, kernels, from, to);
            }
        });
    }

    @Override
    void backward(double[][] values, double[][] grads, Kernels kernels) {
        int blocks = blocks(threads(kernels));
        if (blocks == 1) {
            for (int k = members.length - 1; k >= 0; k--) {
                members[k].backward(values, grads, kernels, 0, columns);
            }
            return;
        }
        forEachBlock(kernels, b -> {
            int from = from(b, blocks);
            int to = from(b + 1, blocks);
            for (int k = members.length - 1; k >= 0; k--) {
                members[k].backward(values, grads, kernels, from, to);
            }
        });
    }

    @Override
    void forward32(float[][] values, Kernels kernels) {
        int blocks = blocks(threads(kernels));
        if (blocks == 1) {
            for (Instruction m : members) {
                m.forward32(values, kernels, 0, columns);
            }
            return;
        }
        forEachBlock(kernels, b -> {
            int from = from(b, blocks);
            int to = from(b + 1, blocks);
            for (Instruction m : members) {
                m.forward32(values, kernels, from, to);
            }
        });
    }

    @Override
    void backward32(float[][] values, float[][] grads, Kernels kernels) {
        int blocks = blocks(threads(kernels));
        if (blocks == 1) {
            for (int k = members.length - 1; k >= 0; k--) {
                members[k].backward32(values, grads, kernels, 0, columns);
            }
            return;
        }
        forEachBlock(kernels, b -> {
            int from = from(b, blocks);
            int to = from(b + 1, blocks);
            for (int k = members.length - 1; k >= 0; k--) {
                members[k].backward32(values, grads, kernels, from, to);
            }
        });
    }

    /** Blocks run on a worker thread so far in this JVM. */
    static long workerBlocks() {
        return WORKER_BLOCKS.get();
    }

    /** Blocks the run is cut into on one thread. */
    int blocksOnOneThread() {
        return blocks(1);
    }

    /** Whether the run's blocks are split over threads (when the tape has more than one). */
    boolean splitsOverThreads() {
        return parallel;
    }

    @Override
    String describe() {
        StringBuilder s = new StringBuilder("run of ").append(members.length).append(" over ").append(columns).append(" columns in ")
                .append(blocks(1)).append(" blocks").append(parallel ? ", split over threads:" : ":");
        for (Instruction m : members) {
            s.append("\n  ").append(m.describe());
        }
        return s.toString();
    }
}
