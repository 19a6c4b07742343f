package org.tapegrad.bench;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.tapegrad.kernel.ActivationKernel;

/**
 * The engine's former {@code VectorActivations}, kept only to benchmark against: it calls the JDK's vector
 * {@code EXP}/{@code EXPM1}, whose bits differ between the interpreter's fallback and C2's intrinsic, which is why
 * the engine no longer uses it. The scalar tail is inlined from the former {@code ScalarActivations}.
 */
public final class JdkVectorActivations implements ActivationKernel {

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

    @Override
    public String name() {
        return "jdk-vector";
    }

    /** {@code e^x} by the JDK's vector {@code EXP}, {@link Math#exp} on the tail. */
    @Override
    public void exp(double[] x, int xOff, double[] y, int yOff, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            DoubleVector.fromArray(S, x, xOff + i).lanewise(VectorOperators.EXP).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = Math.exp(x[xOff + i]);
        }
    }

    /** {@code tanh x = sign(x)·(−m)/(2 + m)} with {@code m = expm1(−2|x|)}: no cancellation near 0, exact ±1 far out. */
    @Override
    public void tanh(double[] x, int xOff, double[] y, int yOff, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            DoubleVector v = DoubleVector.fromArray(S, x, xOff + i);
            DoubleVector m = v.abs().mul(-2.0).lanewise(VectorOperators.EXPM1);
            DoubleVector t = m.neg().div(m.add(2.0));
            t.blend(t.neg(), v.compare(VectorOperators.LT, 0.0)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = Math.tanh(x[xOff + i]);
        }
    }

    /** {@code 1/(1+e)} for {@code x ≥ 0}, {@code e/(1+e)} below, with {@code e = e^{−|x|}}. */
    @Override
    public void sigmoid(double[] x, int xOff, double[] y, int yOff, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            DoubleVector v = DoubleVector.fromArray(S, x, xOff + i);
            DoubleVector e = v.abs().neg().lanewise(VectorOperators.EXP);
            DoubleVector denominator = e.add(1.0);
            VectorMask<Double> negative = v.compare(VectorOperators.LT, 0.0);
            DoubleVector numerator = DoubleVector.broadcast(S, 1.0).blend(e, negative);
            numerator.div(denominator).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            double v = x[xOff + i];
            double e = Math.exp(-Math.abs(v));
            y[yOff + i] = v >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
        }
    }
}
