package org.tapegrad.tape;

import java.util.ArrayList;

import org.ojalgo.matrix.store.R064Store;

/**
 * Recycles {@link R064Store}s by exact shape. A training loop records the same shapes every step, so after the
 * first step every request is served from the pool and the steady state allocates no arrays. The pool remembers
 * what it lent since the last {@link #releaseAll()}: a tape's buffers all come back at once, on reset, except those
 * handed back earlier with {@link #giveBack} (a gradient pass returns an intermediate's gradient as soon as the
 * VJP that reads it has run).
 *
 * <p>It also keeps the memory account the checkpointing code plans with: the bytes currently lent and the most lent
 * at once since the last {@code releaseAll()} — deterministic, unlike a heap measurement.
 *
 * <p>Shapes are looked up by a linear scan: a tape sees tens of distinct shapes, and a scan over two int arrays
 * allocates nothing, unlike a map keyed by boxed longs.
 */
final class BufferPool {

    private int[] rows = new int[16];
    private int[] cols = new int[16];
    private final ArrayList<ArrayList<R064Store>> free = new ArrayList<>();
    private final ArrayList<R064Store> lent = new ArrayList<>();
    private int shapes;
    private int lastHit;
    private long allocatedElements;
    private long heldBytes;
    private long peakHeldBytes;

    /** A store of this shape with undefined content, lent until the next {@link #releaseAll()}. */
    R064Store take(int r, int c) {
        ArrayList<R064Store> stack = stackFor(r, c);
        int n = stack.size();
        R064Store s;
        if (n > 0) {
            s = stack.remove(n - 1);
        } else {
            allocatedElements += (long) r * c;
            s = R064Store.FACTORY.make(r, c);
        }
        lent.add(s);
        heldBytes += bytesOf(s);
        if (heldBytes > peakHeldBytes) {
            peakHeldBytes = heldBytes;
        }
        return s;
    }

    /**
     * Takes back one lent store before the next {@link #releaseAll()}; the caller must hold no other reference to it.
     * The search runs from the newest loan: what is handed back early was usually lent shortly before.
     *
     * @throws IllegalStateException if the store is not currently lent by this pool
     */
    void giveBack(R064Store s) {
        for (int i = lent.size() - 1; i >= 0; i--) {
            if (lent.get(i) == s) {
                int last = lent.size() - 1;
                lent.set(i, lent.get(last));
                lent.remove(last);
                stackFor(s.getRowDim(), s.getColDim()).add(s);
                heldBytes -= bytesOf(s);
                return;
            }
        }
        throw new IllegalStateException("buffer pool: a " + s.getRowDim() + "×" + s.getColDim() + " store handed back that is not lent");
    }

    /** Takes back every store lent since the last call; the peak account restarts from zero. */
    void releaseAll() {
        for (int i = 0, n = lent.size(); i < n; i++) {
            R064Store s = lent.get(i);
            stackFor(s.getRowDim(), s.getColDim()).add(s);
        }
        lent.clear();
        heldBytes = 0;
        peakHeldBytes = 0;
    }

    /** Bytes of the stores lent now. */
    long heldBytes() {
        return heldBytes;
    }

    /** The most bytes lent at once since the last {@link #releaseAll()}. */
    long peakHeldBytes() {
        return peakHeldBytes;
    }

    private static long bytesOf(R064Store s) {
        return (long) s.data.length * Double.BYTES;
    }

    /** Total number of doubles ever allocated by this pool (a diagnostic for "does the steady state allocate"). */
    long allocatedElements() {
        return allocatedElements;
    }

    private ArrayList<R064Store> stackFor(int r, int c) {
        if (lastHit < shapes && rows[lastHit] == r && cols[lastHit] == c) {
            return free.get(lastHit);
        }
        for (int s = 0; s < shapes; s++) {
            if (rows[s] == r && cols[s] == c) {
                lastHit = s;
                return free.get(s);
            }
        }
        if (shapes == rows.length) {
            rows = java.util.Arrays.copyOf(rows, shapes * 2);
            cols = java.util.Arrays.copyOf(cols, shapes * 2);
        }
        rows[shapes] = r;
        cols[shapes] = c;
        free.add(new ArrayList<>());
        lastHit = shapes;
        return free.get(shapes++);
    }
}
