package org.tapegrad.op;

/** Null-aware sums and products of tangents for the tangent rules: null stands for a zero tangent and costs nothing. */
final class TangentTerms {

    private TangentTerms() {
    }

    /** {@code a + b} (b may broadcast over a); null when both are null. */
    static <V> V plus(TangentContext<V> ctx, V a, V b, Shape fullShape) {
        if (a == null) {
            return b == null ? null : broadcastTo(ctx, b, fullShape);
        }
        return b == null ? a : ctx.apply(Add.INSTANCE, a, b);
    }

    /** {@code a − b} (b may broadcast over a); null when both are null. */
    static <V> V minus(TangentContext<V> ctx, V a, V b, Shape fullShape) {
        if (b == null) {
            return a;
        }
        return ctx.apply(Subtract.INSTANCE, a == null ? ctx.zeros(fullShape) : a, b);
    }

    /** {@code b} stretched to {@code fullShape} ({@code 0 + b}), or b itself when it already has that shape. */
    static <V> V broadcastTo(TangentContext<V> ctx, V b, Shape fullShape) {
        return ctx.shape(b).equals(fullShape) ? b : ctx.apply(Add.INSTANCE, ctx.zeros(fullShape), b);
    }

    static <V> V times(TangentContext<V> ctx, V a, V b) {
        return ctx.apply(Multiply.INSTANCE, a, b);
    }

    /** The tangent of input i, or zeros of its shape: for linear ops that take every input's tangent. */
    static <V> V orZeros(TangentContext<V> ctx, int i) {
        V t = ctx.tangent(i);
        return t != null ? t : ctx.zeros(ctx.shape(ctx.input(i)));
    }

    /** Every input's tangent (zeros for the null ones), for ops linear in all their inputs. */
    static <V> V[] allOrZeros(TangentContext<V> ctx, V[] into) {
        for (int i = 0; i < into.length; i++) {
            into[i] = orZeros(ctx, i);
        }
        return into;
    }

    static boolean allNull(TangentContext<?> ctx) {
        for (int i = 0; i < ctx.arity(); i++) {
            if (ctx.tangent(i) != null) {
                return false;
            }
        }
        return true;
    }
}
