package org.tapegrad.examples.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The measured gradient flow obeys docs/theory.md §1 at T = 200. */
class FlowExperimentTest {

    static final int T = 200;
    static Map<String, FlowExperiment.Result> byName;

    @BeforeAll
    static void run() {
        List<FlowExperiment.Result> results = new FlowExperiment(T, 4, 16, 4, 3).run(FlowModels.all(), () -> { });
        byName = results.stream().collect(Collectors.toMap(r -> r.model().name(), Function.identity()));
    }

    @Test
    void orthogonalTimesAFactorHasThatSpectralNorm() {
        assertEquals(0.5, byName.get("tanh ‖W‖=0.5").spectralNorm(), 1e-9);
        assertEquals(1.5, byName.get("tanh ‖W‖=1.5").spectralNorm(), 1e-9);
    }

    @Test
    void everyVanillaRnnStaysUnderItsBoundAtEveryDistance() {
        // ‖∂L/∂h_{T−d}‖ ≤ (γ‖W_h‖₂)^d ‖∂L/∂h_T‖ for tanh and relu (γ = 1) and sigmoid (γ = 1/4).
        for (FlowExperiment.Result r : byName.values()) {
            if (!r.model().bounded()) {
                continue;
            }
            for (int d = 0; d < T; d++) {
                assertTrue(r.curve()[d] <= r.bound(d) * (1 + 1e-9), r.model().name() + " at distance " + d + ": " + r.curve()[d] + " > bound " + r.bound(d));
            }
        }
    }

    @Test
    void tanhWithNormOneHalfDecaysAtLeastAsFastAsOneHalfPerStep() {
        FlowExperiment.Result r = byName.get("tanh ‖W‖=0.5");
        assertTrue(r.rate() <= 0.5, "rate " + r.rate());
        assertTrue(r.curve()[T - 1] <= Math.pow(0.5, T - 1), "ratio at T−1 " + r.curve()[T - 1]);
    }

    @Test
    void sigmoidVanishesFasterThanTanhWithTheSameMatrixNorm() {
        FlowExperiment.Result sigmoid = byName.get("sigmoid ‖W‖=1.0");
        assertTrue(sigmoid.rate() <= 0.25, "sigmoid rate " + sigmoid.rate());
        assertTrue(sigmoid.rate() < byName.get("tanh ‖W‖=1.0").rate());
    }

    @Test
    void aLargerRecurrentNormLetsMoreGradientThroughAndOnePointFiveExplodes() {
        double r05 = byName.get("tanh ‖W‖=0.5").rate();
        double r10 = byName.get("tanh ‖W‖=1.0").rate();
        double r15 = byName.get("tanh ‖W‖=1.5").rate();
        assertTrue(r05 < r10 && r10 < r15, r05 + " < " + r10 + " < " + r15);
        assertTrue(r15 > 1, "‖W_h‖₂ = 1.5 explodes: rate " + r15);
        assertTrue(byName.get("tanh ‖W‖=1.5").curve()[T - 1] > 1e2);
    }

    @Test
    void aForgetBiasOfOneKeepsMoreGradientThanZero() {
        assertTrue(byName.get("LSTM forget bias 1").rate() > byName.get("LSTM forget bias 0").rate());
    }

    @Test
    void theForgetGateProductNeverGrowsAndIsLargerWithBiasOne() {
        FlowExperiment e = new FlowExperiment(T, 4, 16, 4, 3);
        LstmCellPath zero = e.cellPath(0.0);
        LstmCellPath one = e.cellPath(1.0);
        assertEquals(1.0, zero.measured()[0], 1e-12);
        for (int d = 1; d < T; d++) {
            // 0 < f < 1, so the product along the cell path can only shrink: it never explodes (docs/theory.md §2).
            assertTrue(zero.forgetProduct()[d] < zero.forgetProduct()[d - 1], "d=" + d);
            assertTrue(one.forgetProduct()[d] < one.forgetProduct()[d - 1], "d=" + d);
            assertTrue(one.forgetProduct()[d] > zero.forgetProduct()[d], "d=" + d);
        }
        // With f ≈ σ(b) at initialization, the product decays at about σ(0) = 0.5 and σ(1) ≈ 0.73 per step.
        assertEquals(0.5, DecayRate.of(zero.forgetProduct(), 0), 0.08);
        assertEquals(1 / (1 + Math.exp(-1)), DecayRate.of(one.forgetProduct(), 0), 0.08);
    }

    @Test
    void decayRateRecoversAGeometricSequence() {
        double[] y = new double[50];
        for (int d = 0; d < y.length; d++) {
            y[d] = 3 * Math.pow(0.7, d);
        }
        assertEquals(0.7, DecayRate.of(y, 0), 1e-12);
        y[40] = 0; // underflowed points are skipped
        assertEquals(0.7, DecayRate.of(y, 0), 1e-12);
    }
}
