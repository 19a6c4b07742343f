package org.tapegrad.tape;

import java.util.Arrays;

import org.tapegrad.op.Affine;
import org.tapegrad.op.ColumnConcat;
import org.tapegrad.op.ProductSum;
import org.tapegrad.op.RowConcat;
import org.tapegrad.op.RowSelect;

/**
 * The ops with more than two inputs, as static functions ({@code import static org.tapegrad.tape.Ops.*}); the tape is
 * the one of their inputs.
 */
public final class Ops {

    private Ops() {
    }

    /**
     * {@code x₁·W₁ + … + x_n·W_n + b} as one op (the pre-activation of a recurrent cell); {@code b} is a {@code 1×N}
     * row, each product {@code B×N}.
     *
     * @param xw the pairs {@code x₁, W₁, x₂, W₂, …}
     */
    public static Var affine(Var b, Var... xw) {
        if (xw.length == 0 || xw.length % 2 != 0) {
            throw new IllegalArgumentException("affine: expected (x, W) pairs, got " + xw.length + " values");
        }
        Var[] inputs = Arrays.copyOf(xw, xw.length + 1);
        inputs[xw.length] = b;
        return b.tape().apply(new Affine(xw.length / 2), inputs);
    }

    /** {@code a⊙b + c⊙d} as one op (the state update of a gated cell); all four of one shape. */
    public static Var productSum(Var a, Var b, Var c, Var d) {
        return a.tape().apply(ProductSum.INSTANCE, a, b, c, d);
    }

    /** Columns of {@code parts} side by side: {@code [a | b | …]}; all must have the same number of rows. */
    public static Var concatColumns(Var... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("concat_columns: needs at least one input");
        }
        return parts[0].tape().apply(ColumnConcat.INSTANCE, parts);
    }

    /** Rows of {@code parts} stacked top to bottom: {@code [a; b; …]}; all must have the same number of columns. */
    public static Var concatRows(Var... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("concat_rows: needs at least one input");
        }
        return parts[0].tape().apply(RowConcat.INSTANCE, parts);
    }

    /** Row i of the result is row i of {@code ifTrue} where {@code rowMask[i]}, else row i of {@code ifFalse}. */
    public static Var selectRows(boolean[] rowMask, Var ifTrue, Var ifFalse) {
        return ifTrue.tape().apply(new RowSelect(rowMask), ifTrue, ifFalse);
    }
}
