package org.tapegrad.examples.adding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tapegrad.examples.CliRun;
import org.tapegrad.examples.model.CellKind;
import org.tapegrad.op.DType;

/** Training on the adding problem at a small size. */
class AddingCommandTest {

    @TempDir
    Path dir;

    @Test
    void aGruLearnsTheShortAddingProblemFarBelowTheBaseline() {
        AddingTrainer trainer = new AddingTrainer(8, 300, 32, 0.02, 1.0, 400, 5);
        AddingTrainer.Run gru = trainer.train(CellKind.GRU, 12, 1, () -> { });
        assertEquals(AddingProblem.BASELINE_MSE, gru.testBaseline(), 0.03, "the test set's own baseline is near 1/6");
        assertTrue(gru.finalTestMse() < 0.2 * gru.testBaseline(), "GRU test MSE " + gru.finalTestMse() + " vs baseline " + gru.testBaseline());
        assertEquals(5, gru.curve().size());
        assertEquals(300, gru.curve().get(4).iteration());
    }

    /** The same run in float32 learns as well: far below the baseline, and within 30% of float64's test MSE. */
    @Test
    void float32ReachesTheQualityOfFloat64() {
        AddingTrainer.Run f64 = new AddingTrainer(8, 200, 32, 0.02, 1.0, 200, 2, DType.F64).train(CellKind.GRU, 12, 1, () -> { });
        AddingTrainer.Run f32 = new AddingTrainer(8, 200, 32, 0.02, 1.0, 200, 2, DType.F32).train(CellKind.GRU, 12, 1, () -> { });
        assertTrue(f32.finalTestMse() < 0.2 * f32.testBaseline(), "float32 GRU test MSE " + f32.finalTestMse() + " vs baseline " + f32.testBaseline());
        assertEquals(f64.finalTestMse(), f32.finalTestMse(), 0.3 * f64.finalTestMse(), "float32 vs float64 test MSE");
        assertTrue(f32.finalTestMse() != f64.finalTestMse(), "the float32 run must really compute in float32");
        System.out.println("[adding] GRU T=12 H=8 200 iterations: test MSE float64 " + f64.finalTestMse() + ", float32 " + f32.finalTestMse() + ", baseline " + f64.testBaseline());
    }

    /** A float32 run is bit-reproducible from its seed: two runs give the same curve to the last bit. */
    @Test
    void float32RunsRepeatBitForBit() {
        AddingTrainer trainer = new AddingTrainer(6, 40, 16, 0.02, 1.0, 50, 4, DType.F32);
        assertEquals(trainer.train(CellKind.LSTM, 10, 7, () -> { }).curve(), trainer.train(CellKind.LSTM, 10, 7, () -> { }).curve());
    }

    /**
     * A batch cut into shards (each on its own tape, in parallel) trains the same model up to rounding: the first
     * iterations' losses agree with the one-tape run to 1e-12 (they part later, as rounding differences grow through
     * Adam), it learns as well, and it repeats bit for bit.
     */
    @Test
    void shardedBatchesTrainLikeOneTape() {
        AddingTrainer one = new AddingTrainer(8, 200, 32, 0.02, 1.0, 200, 100, DType.F64, 1);
        AddingTrainer sharded = new AddingTrainer(8, 200, 32, 0.02, 1.0, 200, 100, DType.F64, 3);
        AddingTrainer.Run a = one.train(CellKind.GRU, 12, 1, () -> { });
        AddingTrainer.Run b = sharded.train(CellKind.GRU, 12, 1, () -> { });
        assertEquals(a.curve().get(0).trainMse(), b.curve().get(0).trainMse(), 1e-12);
        assertTrue(a.curve().get(0).trainMse() != b.curve().get(0).trainMse() || a.curve().get(1).trainMse() != b.curve().get(1).trainMse()
                || a.finalTestMse() != b.finalTestMse(), "3 shards must really be summed shard by shard");
        assertTrue(b.finalTestMse() < 0.2 * b.testBaseline(), "sharded GRU test MSE " + b.finalTestMse() + " vs baseline " + b.testBaseline());
        assertEquals(a.finalTestMse(), b.finalTestMse(), 0.3 * a.finalTestMse(), "sharded vs one-tape test MSE");
        assertEquals(b.curve(), sharded.train(CellKind.GRU, 12, 1, () -> { }).curve());
    }

    @Test
    void shardsBeyondTheBatchAreAOneLineUsageError() {
        CliRun bad = CliRun.of("adding", "--batch", "8", "--shards", "9", "--out", dir.toString());
        assertEquals(2, bad.exitCode());
        assertEquals(1, bad.errLines().size(), bad.err());
        assertTrue(bad.err().contains("--shards: 9 (at most --batch, 8)"), bad.err());
        CliRun ok = CliRun.of("adding", "--cells", "lstm", "--lengths", "6", "--iterations", "5", "--hidden", "4", "--batch", "8", "--shards", "2",
                "--test-size", "20", "--quiet", "--out", dir.toString());
        assertEquals(0, ok.exitCode(), ok.err());
    }

    @Test
    void dtypeF32RunsAndAnyOtherValueIsAOneLineUsageError() {
        CliRun ok = CliRun.of("adding", "--cells", "gru", "--lengths", "6", "--iterations", "5", "--hidden", "4",
                "--test-size", "20", "--dtype", "f32", "--quiet", "--out", dir.toString());
        assertEquals(0, ok.exitCode(), ok.err());
        assertTrue(ok.out().contains("float32"), ok.out());
        CliRun bad = CliRun.of("adding", "--dtype", "f16", "--out", dir.toString());
        assertEquals(2, bad.exitCode());
        assertEquals(1, bad.errLines().size(), bad.err());
        assertTrue(bad.err().contains("f16") && bad.err().contains("f32 or f64"), bad.err());
    }

    @Test
    void commandWritesCurvesSummaryAndChart() throws IOException {
        CliRun run = CliRun.of("adding", "--cells", "rnn,lstm", "--lengths", "6", "--iterations", "10", "--hidden", "4",
                "--test-size", "20", "--quiet", "--out", dir.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("tanh RNN") && run.out().contains("LSTM"), run.out());
        List<String> summary = Files.readAllLines(dir.resolve("adding-summary.csv"));
        assertEquals(3, summary.size());
        assertTrue(Files.size(dir.resolve("adding.png")) > 1000);
    }

    @Test
    void hessianFreeTrainsBesideAdamAndNamesItsRuns() throws IOException {
        CliRun run = CliRun.of("adding", "--cells", "rnn", "--optimizer", "adam,hf", "--lengths", "6", "--iterations", "10", "--hf-iterations", "3",
                "--hf-batch", "24", "--curvature-batch", "8", "--hidden", "4", "--test-size", "20", "--quiet", "--out", dir.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("tanh RNN (HF)") && run.out().contains("HF: 3 steps"), run.out());
        List<String> summary = Files.readAllLines(dir.resolve("adding-summary.csv"));
        assertEquals(3, summary.size());
        assertTrue(summary.get(2).startsWith("rnn,hf,6,"), summary.get(2));
        assertTrue(Long.parseLong(summary.get(2).substring(summary.get(2).lastIndexOf(',') + 1)) > 3, "at least one G·v per step: " + summary.get(2));
    }

    @Test
    void badOptimizerSettingsAreOneLineUsageErrors() {
        CliRun unknown = CliRun.of("adding", "--optimizer", "lbfgs", "--out", dir.toString());
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("--optimizer: 'lbfgs' (expected adam or hf)"), unknown.err());
        CliRun curvature = CliRun.of("adding", "--optimizer", "hf", "--hf-batch", "10", "--curvature-batch", "20", "--out", dir.toString());
        assertEquals(2, curvature.exitCode());
        assertTrue(curvature.err().contains("--curvature-batch: 20 (at most --hf-batch, 10)"), curvature.err());
    }

    @Test
    void unknownCellNameIsAOneLineUsageError() {
        CliRun run = CliRun.of("adding", "--cells", "rnn,transformer", "--out", dir.toString());
        assertEquals(2, run.exitCode());
        assertEquals(1, run.errLines().size(), run.err());
        assertTrue(run.err().contains("transformer") && run.err().contains("lstm"), run.err());
    }

    @Test
    void tooShortSequencesAreRejected() {
        CliRun run = CliRun.of("adding", "--lengths", "50,-1", "--out", dir.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("error: invalid value for --lengths: -1"), run.err());
    }
}
