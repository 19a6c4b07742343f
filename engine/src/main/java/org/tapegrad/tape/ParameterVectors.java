package org.tapegrad.tape;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.op.Stores;

/**
 * Flat vectors over a list of parameters: the parameters' elements one after the other, each in its storage order
 * ({@link Parameter.Update}). The coordinates in which curvature products and second-order optimizers work.
 */
public final class ParameterVectors {

    private ParameterVectors() {
    }

    /** Total number of elements of {@code params}. */
    public static int size(List<Parameter> params) {
        long n = 0;
        for (Parameter p : params) {
            n += p.size();
        }
        return Math.toIntExact(n);
    }

    /** The parameters' current values as one vector. */
    public static double[] values(List<Parameter> params) {
        double[] out = new double[size(params)];
        int[] at = {0};
        for (Parameter p : params) {
            p.readValue(values -> {
                System.arraycopy(values, 0, out, at[0], values.length);
                at[0] += values.length;
            });
        }
        return out;
    }

    /** Writes {@code x} into the parameters' values. */
    public static void assign(List<Parameter> params, double[] x) {
        require("assign", params, x);
        int at = 0;
        for (Parameter p : params) {
            Object data = Stores.data(p.store());
            if (data instanceof double[] d) {
                System.arraycopy(x, at, d, 0, d.length);
            } else {
                float[] f = (float[]) data;
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) x[at + i];
                }
            }
            p.valueChanged();
            at += p.size();
        }
    }

    /** {@code v} cut into one store per parameter, of its shape. */
    static Map<Parameter, MatrixStore<Double>> split(String what, List<Parameter> params, double[] v) {
        require(what, params, v);
        Map<Parameter, MatrixStore<Double>> parts = new IdentityHashMap<>();
        int at = 0;
        for (Parameter p : params) {
            R064Store s = R064Store.FACTORY.make(p.shape().rows(), p.shape().cols());
            System.arraycopy(v, at, s.data, 0, p.size());
            at += p.size();
            parts.put(p, s);
        }
        return parts;
    }

    /** The gradients of {@code params} in a pass as one vector (zeros for those the pass did not reach). */
    public static double[] flatten(Gradients g, List<Parameter> params) {
        double[] out = new double[size(params)];
        int at = 0;
        for (Parameter p : params) {
            if (g.reached(p)) {
                MatrixStore<Double> gp = g.of(p);
                int rows = p.shape().rows();
                for (int j = 0; j < p.shape().cols(); j++) {
                    for (int i = 0; i < rows; i++) {
                        out[at + i + j * rows] = gp.doubleValue(i, j);
                    }
                }
            }
            at += p.size();
        }
        return out;
    }

    static void require(String what, List<Parameter> params, double[] v) {
        int n = size(params);
        if (v.length != n) {
            throw new IllegalArgumentException(what + ": the vector has " + v.length + " elements, the " + params.size() + " parameters " + n);
        }
    }
}
