package org.tapegrad.tape;

import java.util.ArrayList;

import org.ojalgo.matrix.store.PhysicalStore;
import org.tapegrad.op.DType;
import org.tapegrad.op.Stores;

/**
 * Recycles stores of one element type by exact shape. A training loop records the same shapes every step, so after the
 * first step every request is served from the pool and the steady state allocates no arrays. The pool remembers
 * what it lent since the last {@link #releaseAll()}: a tape's buffers all come back at once, on reset, except those
 * handed back earlier with {@link #giveBack} (a gradient pass returns an intermediate's gradient as soon as the
 * VJP that reads it has run).
 *
 * <p>Every loan and return is counted in a {@link PoolAccount}, the memory account the checkpointing code plans
 * with — deterministic, unlike a heap measurement.
 *
 * <p>Shapes are looked up by a linear scan: a tape sees tens of distinct shapes, and a scan over two int arrays
 * allocates nothing, unlike a map keyed by boxed longs.
 */
final class BufferPool {

    private final DType dtype;
    private final PoolAccount account;

    /** A pool of {@code dtype} stores whose loans count in {@code account} (shared by a tape's pools). */
    BufferPool(DType dtype, PoolAccount account) {
        this.dtype = dtype;
        this.account = account;
    }

    private int[] rows = new int[16];
    private int[] cols = new int[16];
    private final ArrayList<ArrayList<PhysicalStore<Double>>> free = new ArrayList<>();
    private final ArrayList<PhysicalStore<Double>> lent = new ArrayList<>();
    private int[] lentShape = new int[64];   // the shape index (free stack) of each loan, so releaseAll touches no store
    private int shapes;
    private int lastHit;
    private long allocatedElements;
    private long heldBytes;

    /** A store of this shape with undefined content, lent until the next {@link #releaseAll()}. */
    PhysicalStore<Double> take(int r, int c) {
        ArrayList<PhysicalStore<Double>> stack = stackFor(r, c);
        int loan = lent.size();
        if (loan == lentShape.length) {
            lentShape = java.util.Arrays.copyOf(lentShape, 2 * loan);
        }
        lentShape[loan] = lastHit;
        int n = stack.size();
        PhysicalStore<Double> s;
        if (n > 0) {
            s = stack.remove(n - 1);
        } else {
            allocatedElements += (long) r * c;
            s = Stores.make(dtype, r, c);
        }
        lent.add(s);
        long bytes = bytesOf(s);
        heldBytes += bytes;
        account.lent(bytes);
        return s;
    }

    /** Where the last {@link #take} recorded its loan: what {@link #giveBack} needs to take it back in O(1). */
    int lastLoan() {
        return lent.size() - 1;
    }

    /**
     * Takes back one lent store before the next {@link #releaseAll()}; the caller must hold no other reference to it.
     * {@code loan} is {@link #lastLoan()} right after the store was taken: its slot is cleared, not searched for, so
     * handing back the gradients of a long recording one by one costs O(1) each.
     *
     * @throws IllegalStateException if that loan is not this store
     */
    void giveBack(PhysicalStore<Double> s, int loan) {
        if (loan < 0 || loan >= lent.size() || lent.get(loan) != s) {
            throw new IllegalStateException("buffer pool: a " + s.getRowDim() + "×" + s.getColDim() + " store handed back that is not loan " + loan);
        }
        lent.set(loan, null);
        free.get(lentShape[loan]).add(s);
        long bytes = bytesOf(s);
        heldBytes -= bytes;
        account.returned(bytes);
    }

    /** Takes back every store lent since the last call. */
    void releaseAll() {
        for (int i = 0, n = lent.size(); i < n; i++) {
            PhysicalStore<Double> s = lent.get(i);
            if (s != null) {   // null: handed back early
                free.get(lentShape[i]).add(s);
            }
        }
        lent.clear();
        account.returned(heldBytes);
        heldBytes = 0;
    }

    private long bytesOf(PhysicalStore<Double> s) {
        return (long) s.getRowDim() * s.getColDim() * dtype.bytes();
    }

    /** Total number of elements ever allocated by this pool (a diagnostic for "does the steady state allocate"). */
    long allocatedElements() {
        return allocatedElements;
    }

    private ArrayList<PhysicalStore<Double>> stackFor(int r, int c) {
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
