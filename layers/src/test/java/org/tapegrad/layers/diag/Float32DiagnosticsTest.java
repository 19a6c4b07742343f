package org.tapegrad.layers.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.cell.LstmState;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.layers.seq.Unrolled;
import org.tapegrad.op.DType;
import org.tapegrad.tape.Gradients;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/** The diagnostics on a float32 recording read what they read on float64: Jacobian norms and gradient norms per step. */
class Float32DiagnosticsTest {

    private static final int T = 6;
    private static final int B = 2;

    @Test
    void jacobiansAndGradientFlowAgreeWithFloat64() {
        double[][] spectral = new double[2][];
        double[][] flow = new double[2][];
        for (DType d : DType.values()) {
            Random random = new Random(9);
            LstmCell cell = new LstmCell("lstm", 3, 4, random);
            cell.convertTo(DType.F32);   // both runs start from the same float-rounded weights
            cell.convertTo(d);
            Tape tape = new Tape(d);
            List<Var> xs = new ArrayList<>();
            for (int t = 0; t < T; t++) {
                xs.add(tape.constant(Dense.gaussian(B, 3, 0.5, random)));
            }
            Unrolled<LstmState> u = Unroll.run(cell, tape, xs, cell.initialState(tape, B));
            spectral[d.ordinal()] = JacobianProbe.exact(u.outputs()).spectralNorms(1);
            Gradients g = tape.gradients(u.outputs().get(T - 1).sum(), null);
            flow[d.ordinal()] = GradientFlow.outputGradientNorms(g, u);
        }
        for (int t = 0; t < T; t++) {
            double s64 = spectral[DType.F64.ordinal()][t];
            assertEquals(s64, spectral[DType.F32.ordinal()][t], 1e-4 * s64, "spectral norm of ∂h_T/∂h_t, t=" + t);
            double f64 = flow[DType.F64.ordinal()][t];
            assertEquals(f64, flow[DType.F32.ordinal()][t], 1e-4 * f64, "gradient norm at t=" + t);
        }
    }
}
