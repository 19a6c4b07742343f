package org.tapegrad.bench.fused;

import java.util.Objects;

import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.kernel.ActivationKernel;
import org.tapegrad.kernel.GemmKernel;
import org.tapegrad.kernel.PackedOperand;
import org.tapegrad.kernel.Kernels;

/**
 * A hand-written LSTM forward and backpropagation through time, the reference the tape's overhead is measured
 * against. Same math as docs/theory.md §2 (fused gates, PyTorch order i, f, g, o), run on the {@link Kernels} it is given
 * (the tape's, {@code tape.kernels()}, for a fair comparison); the element-wise gate math is one raw loop over
 * {@code R064Store.data} per step and direction, and every buffer is allocated once in the constructor. The weights
 * are raw stores too: hand it copies of the parameters' values ({@code R064Store.FACTORY.copy(p.value())}).
 *
 * <p>Layout: a {@code B×4H} gate store is column-major, so gate k is the contiguous run {@code [kBH, (k+1)BH)} and
 * element n of that run pairs with element n of every {@code B×H} store.
 *
 * <p>Use: {@link #forward}, then {@link #backward} with {@code ∂L/∂h_t} for the steps the loss reads; the weight
 * gradients are then in {@link #gradWx()}, {@link #gradWh()}, {@link #gradB()} (overwritten, not accumulated, by
 * each backward).
 */
public final class FusedLstm {

    private final GemmKernel gemm;
    private final ActivationKernel activations;
    private final int batch;
    private final int input;
    private final int hidden;
    private final int steps;
    private final R064Store[] gates;      // t = 1..T at index t-1: activated i, f, g, o (B×4H)
    private final R064Store[] cells;      // c_0..c_T (B×H)
    private final R064Store[] hiddens;    // h_0..h_T (B×H)
    private final R064Store[] tanhCells;  // tanh(c_t), t = 1..T at index t-1
    private final R064Store dz;
    private final R064Store dh;
    private final double[] dc;
    private final R064Store gradWx;
    private final R064Store gradWh;
    private final R064Store gradB;
    // The weights packed for the kernel once per forward (W_x, W_h) and per backward (W_hᵀ), as the tape packs a weight
    // it multiplies at every step (PackedOperand): both sides read the same panels. Null where the kernel has none.
    private PackedOperand packedWx;
    private PackedOperand packedWh;
    private PackedOperand packedWhT;

    /** Buffers for a batch of {@code batch} sequences of {@code steps} inputs of width {@code input}, on {@code kernels}. */
    public FusedLstm(Kernels kernels, int batch, int input, int hidden, int steps) {
        Objects.requireNonNull(kernels, "kernels");
        if (batch < 1 || input < 1 || hidden < 1 || steps < 1) {
            throw new IllegalArgumentException("fused LSTM: B, I, H and T must be at least 1, got B=" + batch + ", I=" + input + ", H=" + hidden + ", T=" + steps);
        }
        this.gemm = kernels.gemm();
        this.activations = kernels.activations();
        this.batch = batch;
        this.input = input;
        this.hidden = hidden;
        this.steps = steps;
        gates = stores(steps, batch, 4 * hidden);
        cells = stores(steps + 1, batch, hidden);
        hiddens = stores(steps + 1, batch, hidden);
        tanhCells = stores(steps, batch, hidden);
        dz = R064Store.FACTORY.make(batch, 4 * hidden);
        dh = R064Store.FACTORY.make(batch, hidden);
        dc = new double[batch * hidden];
        gradWx = R064Store.FACTORY.make(input, 4 * hidden);
        gradWh = R064Store.FACTORY.make(hidden, 4 * hidden);
        gradB = R064Store.FACTORY.make(1, 4 * hidden);
    }

    /**
     * Runs the T steps from {@code h_0 = c_0 = 0}, keeping what backward needs.
     *
     * @param xs {@code T} inputs, each {@code B×I}
     * @param wx {@code I×4H}; {@code wh} {@code H×4H}; {@code b} {@code 1×4H}
     */
    public void forward(R064Store[] xs, R064Store wx, R064Store wh, R064Store b) {
        checkShapes(xs, wx, wh, b);
        int bh = batch * hidden;
        java.util.Arrays.fill(hiddens[0].data, 0.0);
        java.util.Arrays.fill(cells[0].data, 0.0);
        packedWx = gemm.pack(false, input, 4 * hidden, wx.data, batch, packedWx);
        packedWh = gemm.pack(false, hidden, 4 * hidden, wh.data, batch, packedWh);
        for (int t = 1; t <= steps; t++) {
            R064Store gate = gates[t - 1];
            multiply(xs[t - 1], wx, packedWx, gate, false);
            multiply(hiddens[t - 1], wh, packedWh, gate, true);
            double[] z = gate.data;
            // the tape's activation kernel, so both sides pay the same per-element cost: the bias, then gates i, f | g | o
            activations.addToEveryRow(b.data, z, batch, 0, 4 * hidden);
            activations.sigmoid(z, 0, z, 0, 2 * bh);
            activations.tanh(z, 2 * bh, z, 2 * bh, bh);
            activations.sigmoid(z, 3 * bh, z, 3 * bh, bh);
            double[] cPrev = cells[t - 1].data;
            double[] c = cells[t].data;
            double[] tc = tanhCells[t - 1].data;
            double[] h = hiddens[t].data;
            for (int n = 0; n < bh; n++) {
                c[n] = z[bh + n] * cPrev[n] + z[n] * z[2 * bh + n];
            }
            activations.tanh(c, 0, tc, 0, bh);
            for (int n = 0; n < bh; n++) {
                h[n] = z[3 * bh + n] * tc[n];
            }
        }
    }

    /**
     * Backpropagation through time after {@link #forward} with the same inputs and weights.
     *
     * @param dhLoss {@code ∂L/∂h_t} at index {@code t-1}, each {@code B×H}, or null where the loss does not read h_t
     */
    public void backward(R064Store[] xs, R064Store wh, R064Store[] dhLoss) {
        if (dhLoss.length != steps) {
            throw new IllegalArgumentException("fused LSTM backward: " + dhLoss.length + " loss gradients for " + steps + " steps");
        }
        checkInputs(xs);
        requireShape("wh", wh, hidden, 4 * hidden);
        int bh = batch * hidden;
        java.util.Arrays.fill(gradWx.data, 0.0);
        java.util.Arrays.fill(gradWh.data, 0.0);
        java.util.Arrays.fill(gradB.data, 0.0);
        java.util.Arrays.fill(dh.data, 0.0);   // ∂L/∂h_t through later steps; none after T
        java.util.Arrays.fill(dc, 0.0);        // ∂L/∂c_t through later steps
        double[] d = dz.data;
        packedWhT = gemm.pack(true, 4 * hidden, hidden, wh.data, batch, packedWhT);
        for (int t = steps; t >= 1; t--) {
            double[] z = gates[t - 1].data;
            double[] cPrev = cells[t - 1].data;
            double[] tc = tanhCells[t - 1].data;
            double[] dht = dh.data;
            double[] seed = dhLoss[t - 1] == null ? null : dhLoss[t - 1].data;
            for (int n = 0; n < bh; n++) {
                double gh = seed == null ? dht[n] : dht[n] + seed[n];
                double i = z[n];
                double f = z[bh + n];
                double g = z[2 * bh + n];
                double o = z[3 * bh + n];
                double tn = tc[n];
                double gc = dc[n] + gh * o * (1.0 - tn * tn);
                d[n] = gc * g * i * (1.0 - i);
                d[bh + n] = gc * cPrev[n] * f * (1.0 - f);
                d[2 * bh + n] = gc * i * (1.0 - g * g);
                d[3 * bh + n] = gh * tn * o * (1.0 - o);
                dc[n] = gc * f;
            }
            activations.addColumnSums(d, gradB.data, batch, 0, 4 * hidden);   // the kernel's loop, as the tape's bias VJP
            multiply(xs[t - 1], true, dz, false, gradWx, true);
            if (t > 1) {   // h_0 = 0 contributes nothing to ∂L/∂W_h and needs no gradient
                multiply(hiddens[t - 1], true, dz, false, gradWh, true);
                if (packedWhT != null) {
                    gemm.gemm(false, batch, hidden, 4 * hidden, dz.data, packedWhT, dh.data, false);
                } else {
                    multiply(dz, false, wh, true, dh, false);
                }
            }
        }
    }

    /** {@code h_t} for {@code t} in {@code 1..T}, valid until the next forward. */
    public R064Store hidden(int t) {
        if (t < 1 || t > steps) {
            throw new IndexOutOfBoundsException("fused LSTM: step " + t + " is outside 1.." + steps);
        }
        return hiddens[t];
    }

    /** {@code ∂L/∂W_x}, {@code I×4H}. */
    public R064Store gradWx() {
        return gradWx;
    }

    /** {@code ∂L/∂W_h}, {@code H×4H}. */
    public R064Store gradWh() {
        return gradWh;
    }

    /** {@code ∂L/∂b}, {@code 1×4H}. */
    public R064Store gradB() {
        return gradB;
    }

    /** {@code C (+)= A·B}, B's panels read from {@code packed} when there are some. */
    private void multiply(R064Store a, R064Store b, PackedOperand packed, R064Store c, boolean accumulate) {
        if (packed != null) {
            gemm.gemm(false, a.getRowDim(), b.getColDim(), a.getColDim(), a.data, packed, c.data, accumulate);
        } else {
            multiply(a, false, b, false, c, accumulate);
        }
    }

    /** {@code C (+)= op(A)·op(B)} on the GEMM kernel, shapes taken from the stores (all of them fit by construction). */
    private void multiply(R064Store a, boolean transA, R064Store b, boolean transB, R064Store c, boolean accumulate) {
        int m = transA ? a.getColDim() : a.getRowDim();
        int k = transA ? a.getRowDim() : a.getColDim();
        int n = transB ? b.getRowDim() : b.getColDim();
        gemm.gemm(transA, transB, m, n, k, a.data, b.data, c.data, accumulate);
    }

    private void checkShapes(R064Store[] xs, R064Store wx, R064Store wh, R064Store b) {
        checkInputs(xs);
        requireShape("wx", wx, input, 4 * hidden);
        requireShape("wh", wh, hidden, 4 * hidden);
        requireShape("b", b, 1, 4 * hidden);
    }

    private void checkInputs(R064Store[] xs) {
        if (xs.length != steps) {
            throw new IllegalArgumentException("fused LSTM: " + xs.length + " inputs for " + steps + " steps");
        }
        for (int t = 0; t < steps; t++) {
            requireShape("x[" + t + "]", xs[t], batch, input);
        }
    }

    private static void requireShape(String name, R064Store s, int rows, int cols) {
        if (s.getRowDim() != rows || s.getColDim() != cols) {
            throw new IllegalArgumentException("fused LSTM: " + name + " is " + s.getRowDim() + "×" + s.getColDim() + ", expected " + rows + "×" + cols);
        }
    }

    private static R064Store[] stores(int count, int rows, int cols) {
        R064Store[] s = new R064Store[count];
        for (int i = 0; i < count; i++) {
            s[i] = R064Store.FACTORY.make(rows, cols);
        }
        return s;
    }
}
