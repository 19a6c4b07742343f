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
