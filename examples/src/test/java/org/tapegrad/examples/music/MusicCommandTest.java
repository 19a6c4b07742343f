package org.tapegrad.examples.music;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tapegrad.op.DType;
import org.junit.jupiter.api.io.TempDir;
import org.tapegrad.examples.CliRun;
import org.tapegrad.examples.model.CellKind;

/** Smoke runs of {@code music} on a tiny generated file and, when present, on a few JSB chorales. */
class MusicCommandTest {

    @TempDir
    Path dir;

    /** A tiny data set: arpeggios C–E–G repeating, so the next frame is predictable from the previous one. */
    static Path tinyFile(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder("{");
        String[] splits = {"train", "valid", "test"};
        Random r = new Random(5);
        for (int s = 0; s < 3; s++) {
            sb.append(s > 0 ? "," : "").append('"').append(splits[s]).append("\":[");
            for (int q = 0; q < 4; q++) {
                sb.append(q > 0 ? "," : "").append('[');
                int len = 12 + r.nextInt(6);
                int root = 48 + r.nextInt(12);
                for (int t = 0; t < len; t++) {
                    sb.append(t > 0 ? "," : "").append('[').append(root + new int[] {0, 4, 7}[t % 3]).append(']');
                }
                sb.append(']');
            }
            sb.append(']');
        }
        return Files.writeString(dir.resolve("tiny.json"), sb.append('}').toString());
    }

    @Test
    void trainingLowersTheNllFarBelowTheUntrainedModel() throws IOException {
        PianoRolls rolls = PianoRolls.load(tinyFile(dir));
        MusicTrainer trainer = new MusicTrainer(15, 15, 4, 0.01, 1.0, 1);
        MusicTrainer.Result gru = trainer.train(CellKind.GRU, 16, rolls, nll -> { });
        // Untrained sigmoid outputs near 1/2 cost about 88·ln 2 ≈ 61 nats per frame.
        double first = gru.epochs().get(0).train();
        assertTrue(first < 61, "first epoch " + first);
        assertTrue(gru.train() < 0.5 * 88 * Math.log(2), "train NLL " + gru.train());
        assertTrue(gru.valid() <= gru.epochs().stream().mapToDouble(MusicTrainer.Epoch::valid).min().orElseThrow() + 1e-12, "best epoch kept");
        assertTrue(Double.isFinite(gru.test()));
    }

    @Test
    void dropoutChangesTrainingOnlyAndIsReproducibleFromTheSeed() throws IOException {
        PianoRolls rolls = PianoRolls.load(tinyFile(dir));
        MusicTrainer.Result plain = new MusicTrainer(3, 3, 4, 0.01, 1.0, 1).train(CellKind.GRU, 8, rolls, nll -> { });
        MusicTrainer.Result none = new MusicTrainer(3, 3, 4, 0.01, 1.0, 1, DType.F64, 0.0).train(CellKind.GRU, 8, rolls, nll -> { });
        MusicTrainer.Result dropped = new MusicTrainer(3, 3, 4, 0.01, 1.0, 1, DType.F64, 0.5).train(CellKind.GRU, 8, rolls, nll -> { });
        MusicTrainer.Result again = new MusicTrainer(3, 3, 4, 0.01, 1.0, 1, DType.F64, 0.5).train(CellKind.GRU, 8, rolls, nll -> { });
        assertEquals(plain.epochs(), none.epochs(), "rate 0 is the run without dropout, draw for draw");
        assertNotEquals(plain.epochs(), dropped.epochs(), "dropout changes the updates");
        assertEquals(dropped.epochs(), again.epochs(), "same seed, same masks");
        CliRun bad = CliRun.of("music", "--data", tinyFile(dir).toString(), "--dropout", "1", "--out", dir.resolve("bad").toString());
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("--dropout") && bad.err().lines().count() <= 2, bad.err());
    }

    @Test
    void float32RunsTheSameCommandAndSaysSo() throws IOException {
        Path data = tinyFile(dir);
        CliRun run = CliRun.of("music", "--data", data.toString(), "--cells", "gru", "--hidden", "6", "--epochs", "2", "--dtype", "f32", "--quiet",
                "--out", dir.resolve("out32").toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("float32") && run.out().contains("independent Bernoulli"), run.out());
    }

    @Test
    void commandPrintsTheTableAndWritesFiles() throws IOException {
        Path data = tinyFile(dir);
        CliRun run = CliRun.of("music", "--data", data.toString(), "--cells", "rnn,lstm", "--hidden", "6", "--epochs", "2", "--quiet",
                "--out", dir.resolve("out").toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("independent Bernoulli"), run.out());
        List<String> summary = Files.readAllLines(dir.resolve("out/music-summary.csv"));
        assertEquals(4, summary.size(), "header, baseline, two models");
        assertTrue(Files.size(dir.resolve("out/music.png")) > 1000);
    }

    @Test
    void smokeRunOnAFewJsbChorales() {
        assumeTrue(Files.isReadable(PianoRollsTest.JSB), "shared JSB data not present");
        CliRun run = CliRun.of("music", "--data", PianoRollsTest.JSB.toString(), "--cells", "gru", "--max-sequences", "4", "--epochs", "1",
                "--quiet", "--out", dir.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("4 / 4 / 4 sequences"), run.out());
    }

    @Test
    void missingAndMalformedDataFilesAreOneLineErrors() throws IOException {
        CliRun missing = CliRun.of("music", "--data", dir.resolve("nope.json").toString(), "--out", dir.toString());
        assertEquals(2, missing.exitCode());
        assertEquals(1, missing.errLines().size(), missing.err());
        assertTrue(missing.err().contains("nope.json") && missing.err().contains("does not exist"), missing.err());

        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"train\": [[[60]]], \"valid\": oops}");
        CliRun malformed = CliRun.of("music", "--data", bad.toString(), "--out", dir.resolve("out").toString());
        assertEquals(2, malformed.exitCode());
        assertEquals(1, malformed.errLines().size(), malformed.err());
        assertTrue(malformed.err().contains("bad.json"), malformed.err());
        assertFalse(Files.exists(dir.resolve("out/music-summary.csv")), "nothing written");
    }

    /** Every zoo cell gets the H whose model is nearest the 36-unit LSTM's parameter count (21,256), within 2%. */
    @Test
    void zooCellsGetTheLstmsParameterBudget() {
        for (CellKind kind : CellKind.values()) {
            int h = MusicTrainer.defaultHidden(kind);
            long params = new org.tapegrad.examples.model.StepModel(kind.build("c", PianoRolls.PITCHES, h, new Random(1)), PianoRolls.PITCHES,
                    new Random(1)).parameterCount();
            if (kind != CellKind.RNN && kind != CellKind.GRU) {
                assertEquals(21_256, params, 21_256 * 0.02, kind + " with H = " + h);
            }
        }
    }
}
