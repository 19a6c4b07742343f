package org.tapegrad.op;


/**
 * {@code y[i, :] = mask[i] ? a[i, :] : b[i, :]}; the gradient of each row goes, unchanged, to the input it came
 * from, and so does the tangent: {@code ẏ[i, :] = mask[i] ? ȧ[i, :] : ḃ[i, :]}. Unlike {@code m⊙a + (1−m)⊙b} it is exact for any values of the unselected rows (no {@code 0·∞}): it is what
 * keeps padded steps of a variable-length batch out of the real ones.
 */
public final class RowSelect implements Op<Void> {

    private final boolean[] mask;

    public RowSelect(boolean[] rowMask) {
        this.mask = rowMask.clone();
    }

    @Override
    public String name() {
        return "select_rows";
    }

    @Override
    public Shape outputShape(Shape... in) {
        Arity.require(name(), 2, in);
        if (!in[0].equals(in[1]) || mask.length != in[0].rows()) {
            throw ShapeException.of(name(), "expected two equal shapes with " + mask.length + " rows (the mask's length)", in);
        }
        return in[0];
    }

    @Override
    public Void forward(OpContext ctx) {
        if (ctx.dtype() == DType.F32) {
            float[] a = ctx.input32(0).data;
            float[] b = ctx.input32(1).data;
            float[] y = ctx.output32().data;
            int m = mask.length;
            for (int idx = 0; idx < y.length; idx++) {
                y[idx] = mask[idx % m] ? a[idx] : b[idx];
            }
            return null;
        }
        double[] a = ctx.input(0).data;
        double[] b = ctx.input(1).data;
        double[] y = ctx.output().data;
        int m = mask.length;
        for (int idx = 0; idx < y.length; idx++) {
            y[idx] = mask[idx % m] ? a[idx] : b[idx];
        }
        return null;
    }

    @Override
    public void backward(OpContext ctx, Void saved) {
        if (ctx.dtype() == DType.F32) {
            backward32(ctx);
            return;
        }
        double[] g = ctx.outputGrad().data;
        int m = mask.length;
        for (int k = 0; k < 2; k++) {
            if (!ctx.needsGrad(k)) {
                continue;
            }
            boolean selects = k == 0;
            double[] d = ctx.inputGrad(k).data;
            for (int idx = 0; idx < g.length; idx++) {
                if (mask[idx % m] == selects) {
                    d[idx] += g[idx];
                }
            }
        }
    }

    private void backward32(OpContext ctx) {
        float[] g = ctx.outputGrad32().data;
        int m = mask.length;
        for (int k = 0; k < 2; k++) {
            if (!ctx.needsGrad(k)) {
                continue;
            }
            boolean selects = k == 0;
            float[] d = ctx.inputGrad32(k).data;
            for (int idx = 0; idx < g.length; idx++) {
                if (mask[idx % m] == selects) {
                    d[idx] += g[idx];
                }
            }
        }
    }

    /** Linear in every input: the same op on the tangents, zeros standing for the zero ones. */
    @Override
    public <V> V tangent(TangentContext<V> ctx) {
        if (TangentTerms.allNull(ctx)) {
            return null;
        }
        @SuppressWarnings("unchecked")
        V[] tangents = TangentTerms.allOrZeros(ctx, (V[]) new Object[ctx.arity()]);
        return ctx.apply(this, tangents);
    }
}
