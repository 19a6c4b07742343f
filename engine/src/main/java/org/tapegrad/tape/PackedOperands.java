package org.tapegrad.tape;

import java.util.Arrays;

import org.tapegrad.kernel.GemmKernel;
import org.tapegrad.kernel.PackedOperand;
import org.tapegrad.op.Stores;

/**
 * A recording's right operands packed once for the GEMM kernel ({@link PackedOperand}): a value that ops use as the
 * right operand of their products again and again — a weight, at every step of a sequence, forward as {@code W} and
 * backward as {@code Wᵀ} — is packed on its second use in one orientation, and its panels serve every later use.
 * Packing costs about half a product, so a value used once (a feed-forward layer) is never packed.
 *
 * <p>A recorded value never changes, except a parameter's leaf, which is the parameter's own value: its packed copy
 * remembers the parameter's {@link Parameter#version()} and is packed again when that has moved. The panels count as
 * held memory ({@link Tape#bytesHeld()}) while they serve the recording; {@link #clear()} (the tape's reset) ends that
 * and keeps their arrays for the next recording's operands of the same sizes.
 */
final class PackedOperands {

    /** One value in one orientation. */
    private static final class Entry {
        int uses;
        PackedOperand packed;   // the last panels made here: valid for this recording only when {@code valid}
        boolean valid;
        int version;
    }

    private final PoolAccount account;
    private Entry[] plain = new Entry[0];
    private Entry[] transposed = new Entry[0];
    private int used;   // entries [0, used) may be in use by this recording

    PackedOperands(PoolAccount account) {
        this.account = account;
    }

    /**
     * {@code v} (or {@code vᵀ} when {@code transposedUse}) as the right operand of a product with {@code rows} rows of
     * {@code C}, packed by {@code gemm}; null when this is its first use in that orientation or the kernel reads no
     * panels for such products.
     */
    PackedOperand get(Var v, boolean transposedUse, int rows, GemmKernel gemm) {
        int index = v.index();
        Entry e = entry(transposedUse, index);
        Object data = Stores.data(v.store());
        Parameter p = v.parameter();
        if (e.valid) {
            if (e.packed.isOf(data) && (p == null || e.version == p.version())) {
                return e.packed;
            }
            invalidate(e);   // the parameter changed (or the slot's value did): pack again
        } else if (++e.uses < 2) {
            return null;
        }
        int k = transposedUse ? v.cols() : v.rows();
        int n = transposedUse ? v.rows() : v.cols();
        PackedOperand made = data instanceof double[] d ? gemm.pack(transposedUse, k, n, d, rows, e.packed)
                : gemm.pack(transposedUse, k, n, (float[]) data, rows, e.packed);
        if (made == null) {
            return null;
        }
        e.packed = made;
        e.valid = true;
        e.version = p == null ? 0 : p.version();
        account.lent(made.bytes());
        return made;
    }

    /** Ends the recording: no entry serves the next one (their arrays may), and their bytes are no longer held. */
    void clear() {
        for (Entry[] entries : new Entry[][] {plain, transposed}) {
            for (int i = 0; i < Math.min(used, entries.length); i++) {
                Entry e = entries[i];
                if (e != null) {
                    if (e.valid) {
                        invalidate(e);
                    }
                    e.uses = 0;
                }
            }
        }
        used = 0;
    }

    private void invalidate(Entry e) {
        e.valid = false;
        account.returned(e.packed.bytes());
    }

    private Entry entry(boolean transposedUse, int index) {
        Entry[] entries = transposedUse ? transposed : plain;
        if (index >= entries.length) {
            entries = Arrays.copyOf(entries, Math.max(index + 1, 2 * entries.length));
            if (transposedUse) {
                transposed = entries;
            } else {
                plain = entries;
            }
        }
        Entry e = entries[index];
        if (e == null) {
            e = new Entry();
            entries[index] = e;
        }
        used = Math.max(used, index + 1);
        return e;
    }
}
