package org.tapegrad.layers.net;

import java.util.ArrayList;
import java.util.List;

import org.tapegrad.tape.Ops;
import org.tapegrad.tape.Var;

/**
 * How a whole sequence batch is packed into one 2-D value, PyTorch's 3-D {@code [T, B, N]} ({@code batch_first=False})
 * or {@code [B, T, N]} ({@code batch_first=True}) with its two leading dimensions flattened into rows — exactly the
 * row-major bytes of the 3-D tensor, so a safetensors tensor of rank 3 read as {@code (T·B)×N} is already packed.
 * Splitting and packing are recorded ops (row gathers and a row concatenation), so gradients flow through both.
 */
public enum SequenceLayout {
    /** Row {@code t·B + b} is step t of sequence b: {@code [T, B, N]}. */
    TIME_MAJOR,
    /** Row {@code b·T + t} is step t of sequence b: {@code [B, T, N]}. */
    BATCH_MAJOR;

    /** The T steps ({@code B×N} each) of a packed {@code (T·B)×N} value. */
    public List<Var> split(Var packed, int batch) {
        if (batch < 1 || packed.rows() % batch != 0) {
            throw new IllegalArgumentException(this + ": a packed sequence of " + packed.rows() + " rows does not split into a batch of " + batch);
        }
        int steps = packed.rows() / batch;
        List<Var> out = new ArrayList<>(steps);
        for (int t = 0; t < steps; t++) {
            int[] rows = new int[batch];
            for (int b = 0; b < batch; b++) {
                rows[b] = row(t, b, steps, batch);
            }
            out.add(this == TIME_MAJOR && steps == 1 ? packed : packed.gatherRows(rows));
        }
        return out;
    }

    /** The steps ({@code B×N} each) packed into one {@code (T·B)×N} value. */
    public Var pack(List<Var> steps) {
        if (steps.isEmpty()) {
            throw new IllegalArgumentException(this + ": no steps to pack");
        }
        Var timeMajor = steps.size() == 1 ? steps.get(0) : Ops.concatRows(steps.toArray(Var[]::new));
        if (this == TIME_MAJOR || steps.size() == 1) {
            return timeMajor;
        }
        int t0 = steps.size();
        int batch = steps.get(0).rows();
        int[] rows = new int[t0 * batch];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < t0; t++) {
                rows[b * t0 + t] = t * batch + b;
            }
        }
        return timeMajor.gatherRows(rows);
    }

    /** The packed row of step t of sequence b. */
    public int row(int t, int b, int steps, int batch) {
        return this == TIME_MAJOR ? t * batch + b : b * steps + t;
    }
}
