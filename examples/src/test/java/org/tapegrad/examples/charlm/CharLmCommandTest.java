package org.tapegrad.examples.charlm;

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
import org.tapegrad.layers.optim.Adam;

/** charlm at a tiny size: it learns, samples, checkpoints and resumes. */
class CharLmCommandTest {

    @TempDir
    Path dir;

    @Test
    void trainingBeatsTheUniformGuessOnARepetitiveText() {
        int[] text = Vocabulary.of("abcd").encode("abcdabcdabdcabcdabcdabcdabdcabcd".repeat(20));
        CharModel<?> model = CharModel.create(CellKind.GRU, 4, 8, 16, 1);
        CharTrainer trainer = new CharTrainer(4, 8, 5.0);
        double before = trainer.evaluate(model, text);
        trainer.train(model, text, Adam.of(0.02), 0, 150, null, (it, nats) -> { });
        double after = trainer.evaluate(model, text);
        assertTrue(before > 0.8 * Math.log(4), "untrained ≈ uniform: " + before);
        assertTrue(after < 0.5 * Math.log(4), "trained: " + after + " nats/char vs uniform " + Math.log(4));
    }

    /** A float32 run checkpoints its dtype: resuming continues in float32, and asking for f64 is a one-line conflict. */
    @Test
    void float32RunsResumeInFloat32() throws IOException {
        Path text = Files.writeString(dir.resolve("t.txt"), "the cat sat on the mat. ".repeat(40));
        String[] common = {"charlm", "--text", text.toString(), "--cell", "lstm", "--hidden", "8", "--embedding", "4", "--batch", "4", "--bptt", "6",
            "--eval-every", "5", "--sample-length", "10", "--quiet"};
        CliRun first = CliRun.of(concat(common, "--iterations", "5", "--dtype", "f32", "--out", dir.resolve("a").toString()));
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.out().contains("float32"), first.out());
        Path ckpt = dir.resolve("a/charlm.safetensors");
        CliRun resumed = CliRun.of(concat(common, "--iterations", "5", "--resume", ckpt.toString(), "--out", dir.resolve("b").toString()));
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(resumed.out().contains("float32") && resumed.out().contains("resumed at iteration 5"), resumed.out());
        CliRun conflict = CliRun.of(concat(common, "--dtype", "f64", "--resume", ckpt.toString(), "--out", dir.resolve("c").toString()));
        assertEquals(2, conflict.exitCode());
        assertEquals(1, conflict.errLines().size(), conflict.err());
        assertTrue(conflict.err().contains("--dtype"), conflict.err());
    }

    @Test
    void runsCheckpointsAndResumesFromTheCheckpoint() throws IOException {
        Path text = Files.writeString(dir.resolve("t.txt"), "the cat sat on the mat. ".repeat(60));
        String[] common = {"charlm", "--text", text.toString(), "--cell", "gru", "--hidden", "12", "--embedding", "6", "--batch", "4", "--bptt", "8",
            "--eval-every", "10", "--sample-length", "30", "--quiet"};
        CliRun first = CliRun.of(concat(common, "--iterations", "20", "--out", dir.resolve("a").toString()));
        assertEquals(0, first.exitCode(), first.err());
        Path ckpt = dir.resolve("a/charlm.safetensors");
        assertTrue(Files.isRegularFile(ckpt));
        assertEquals(20, Checkpoint.read(ckpt).checkpoint().iteration());
        List<String> log = Files.readAllLines(dir.resolve("a/charlm.csv"));
        assertEquals(3, log.size(), "header + evaluations at 10 and 20");
        String[] cells = log.get(2).split(",");
        assertEquals(Double.parseDouble(cells[1]) / Math.log(2), Double.parseDouble(cells[2]), 1e-12, "bits = nats / ln 2");
        assertEquals(31, Files.readString(dir.resolve("a/charlm-sample.txt")).strip().length() + 0, 1, "prompt + 30 sampled characters");

        CliRun resumed = CliRun.of(concat(common, "--iterations", "10", "--resume", ckpt.toString(), "--out", dir.resolve("b").toString()));
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(resumed.out().contains("resumed at iteration 20"), resumed.out());
        assertEquals(30, Checkpoint.read(dir.resolve("b/charlm.safetensors")).checkpoint().iteration());
        // The resumed model starts from the trained weights: its first validation is no worse than where run A ended.
        double endA = Double.parseDouble(log.get(2).split(",")[3]);
        double endB = Double.parseDouble(Files.readAllLines(dir.resolve("b/charlm.csv")).get(1).split(",")[3]);
        assertTrue(endB < endA + 0.3, "resumed valid " + endB + " vs " + endA);
    }

    @Test
    void badInputIsReportedOnOneLine() throws IOException {
        CliRun rnn = CliRun.of("charlm", "--cell", "rnn", "--out", dir.toString());
        assertEquals(2, rnn.exitCode());
        assertTrue(rnn.err().contains("lstm or gru"), rnn.err());

        CliRun missing = CliRun.of("charlm", "--text", dir.resolve("none.txt").toString(), "--out", dir.toString());
        assertEquals(2, missing.exitCode());
        assertEquals(1, missing.errLines().size(), missing.err());
        assertTrue(missing.err().contains("none.txt"), missing.err());

        Path junk = Files.writeString(dir.resolve("junk.safetensors"), "not a checkpoint");
        CliRun bad = CliRun.of("charlm", "--resume", junk.toString(), "--out", dir.toString());
        assertEquals(2, bad.exitCode());
        assertEquals(1, bad.errLines().size(), bad.err());
        assertTrue(bad.err().contains("junk.safetensors"), bad.err());
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
