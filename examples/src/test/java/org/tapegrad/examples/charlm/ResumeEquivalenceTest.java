package org.tapegrad.examples.charlm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tapegrad.examples.Main;
import org.tapegrad.examples.Theories;

/**
 * Resume = not stopped, for {@code charlm} in fresh JVMs: for random stop points N, train N iterations, then resume
 * from the checkpoint in another JVM up to M; the final checkpoint (weights, optimizer moments, carried states,
 * counters, configuration) is byte-identical to that of one uninterrupted M-iteration run. The uninterrupted run
 * evaluates every 5 iterations and the split runs every 3, so this also shows that evaluation does not change
 * training. Small sizes keep each JVM to a second or two; the uninterrupted run goes beside the first split run.
 */
class ResumeEquivalenceTest {

    private static final int TOTAL = 12;
    private static final String[] SIZES = {"charlm", "--hidden", "16", "--embedding", "8", "--batch", "4", "--bptt", "8", "--valid-chars", "50",
        "--sample-length", "10", "--quiet"};

    @TempDir
    Path dir;

    @Test
    void resumedInAFreshJvmTheCheckpointIsByteIdenticalToAnUninterruptedRun() throws Exception {
        Process uninterrupted = start(dir.resolve("full"), "--iterations", Integer.toString(TOTAL), "--eval-every", "5");
        byte[][] expected = {null};
        Theories.qt(2).forAll(integers().between(1, TOTAL - 1)).checkAssert(stop -> {
            try {
                Path first = dir.resolve("stop-" + stop);
                Path second = dir.resolve("resumed-" + stop);
                finish(start(first, "--iterations", Integer.toString(stop), "--eval-every", "3"), first);
                finish(start(second, "--iterations", Integer.toString(TOTAL - stop), "--eval-every", "3", "--resume",
                        first.resolve("charlm.safetensors").toString()), second);
                assertTrue(Files.readString(second.resolve("stdout.txt")).contains("resumed at iteration " + stop));
                if (expected[0] == null) {
                    finish(uninterrupted, dir.resolve("full"));
                    expected[0] = Files.readAllBytes(dir.resolve("full/charlm.safetensors"));
                }
                assertArrayEquals(expected[0], Files.readAllBytes(second.resolve("charlm.safetensors")),
                        "checkpoint after stopping at " + stop + " and resuming to " + TOTAL + " vs " + TOTAL + " uninterrupted iterations");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    private static Process start(Path out, String... args) throws IOException {
        Files.createDirectories(out);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(SIZES));
        command.addAll(List.of(args));
        command.addAll(List.of("--out", out.toString()));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.resolve("stdout.txt").toFile()).start();
    }

    private static void finish(Process p, Path out) throws InterruptedException, IOException {
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "charlm in " + out + " did not finish");
        assertEquals(0, p.exitValue(), Files.readString(out.resolve("stdout.txt"), StandardCharsets.UTF_8));
    }
}
