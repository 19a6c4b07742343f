package org.tapegrad.tape;

import java.util.ArrayList;
import java.util.List;

import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;

/**
 * One part of a batch in a {@link BatchShards} pass: the rows {@code [from, to)} of a batch of {@code batch} rows,
 * recorded on a tape of its own. Its helpers cut the shard's rows out of the whole batch's inputs.
 *
 * @param index the shard's position, {@code 0 … shards − 1}: gradients are added in this order
 * @param from the first row of the batch in this shard
 * @param to one past its last row
 * @param batch the rows of the whole batch
 */
public record Shard(int index, int from, int to, int batch) {

    public Shard {
        if (from < 0 || to <= from || to > batch) {
            throw new IllegalArgumentException("shard " + index + ": rows [" + from + ", " + to + ") are not a non-empty part of a batch of " + batch);
        }
    }

    /** The number of rows in this shard. */
    public int rows() {
        return to - from;
    }

    /**
     * This shard's share of a loss averaged over the whole batch: {@code rows / batch}. A shard whose loss is the
     * mean over its own rows, scaled by this weight, contributes exactly its part of the batch mean.
     */
    public double weight() {
        return (double) rows() / batch;
    }

    /**
     * A copy of this shard's rows of {@code whole}.
     *
     * @throws IllegalArgumentException if {@code whole} does not have the batch's rows
     */
    public R064Store rowsOf(MatrixStore<Double> whole) {
        if (whole.countRows() != batch) {
            throw new IllegalArgumentException("shard " + index + ": the input has " + whole.countRows() + " rows, expected the batch's " + batch);
        }
        int cols = (int) whole.countColumns();
        R064Store part = R064Store.FACTORY.make(rows(), cols);
        if (whole instanceof R064Store dense) {   // column-major: one contiguous run per column
            for (int j = 0; j < cols; j++) {
                System.arraycopy(dense.data, j * batch + from, part.data, j * rows(), rows());
            }
            return part;
        }
        for (int j = 0; j < cols; j++) {
            for (int i = from; i < to; i++) {
                part.set(i - from, j, whole.doubleValue(i, j));
            }
        }
        return part;
    }

    /** {@link #rowsOf(MatrixStore)} of every step of a sequence. */
    public List<R064Store> rowsOfSteps(List<? extends MatrixStore<Double>> steps) {
        List<R064Store> parts = new ArrayList<>(steps.size());
        for (MatrixStore<Double> step : steps) {
            parts.add(rowsOf(step));
        }
        return parts;
    }

    /**
     * This shard's rows of a row-major matrix (the rows themselves, not copies).
     *
     * @throws IllegalArgumentException if {@code whole} does not have the batch's rows
     */
    public double[][] rowsOf(double[][] whole) {
        if (whole.length != batch) {
            throw new IllegalArgumentException("shard " + index + ": the input has " + whole.length + " rows, expected the batch's " + batch);
        }
        return java.util.Arrays.copyOfRange(whole, from, to);
    }

    /** {@link #rowsOf(double[][])} of every step of a sequence of row-major matrices. */
    public List<double[][]> rowsOfStepArrays(List<double[][]> steps) {
        List<double[][]> parts = new ArrayList<>(steps.size());
        for (double[][] step : steps) {
            parts.add(rowsOf(step));
        }
        return parts;
    }

    /**
     * This shard's entries of a per-row array (sequence lengths, labels).
     *
     * @throws IllegalArgumentException if the array does not have one entry per row of the batch
     */
    public int[] rowsOf(int[] perRow) {
        if (perRow.length != batch) {
            throw new IllegalArgumentException("shard " + index + ": the per-row array has " + perRow.length + " entries, expected the batch's " + batch);
        }
        return java.util.Arrays.copyOfRange(perRow, from, to);
    }
}
