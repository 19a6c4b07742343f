package org.tapegrad.tape;

import java.util.ArrayList;

import org.ojalgo.matrix.store.R064Store;

/**
 * Recycles {@link R064Store}s by exact shape. A training loop records the same shapes every step, so after the
 * first step every request is served from the pool and the steady state allocates no arrays.
 *
 * <p>Shapes are looked up by a linear scan: a tape sees tens of distinct shapes, and a scan over two int arrays
 * allocates nothing, unlike a map keyed by boxed longs.
 */
final class BufferPool {

    private int[] rows = new int[16];
    private int[] cols = new int[16];
    private final ArrayList<ArrayList<R064Store>> free = new ArrayList<>();
    private int shapes;
    private int lastHit;
    private long allocatedElements;

    /** A store of this shape with undefined content. */
    R064Store take(int r, int c) {
        ArrayList<R064Store> stack = stackFor(r, c);
        int n = stack.size();
        if (n > 0) {
            return stack.remove(n - 1);
        }
        allocatedElements += (long) r * c;
        return R064Store.FACTORY.make(r, c);
    }

    /** Returns a store taken from this pool. */
    void give(R064Store store) {
        stackFor(store.getRowDim(), store.getColDim()).add(store);
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
