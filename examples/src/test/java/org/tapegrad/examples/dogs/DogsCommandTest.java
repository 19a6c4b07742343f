package org.tapegrad.examples.dogs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tapegrad.examples.CliRun;

/** The {@code dogs} subcommand as a user runs it. */
class DogsCommandTest {

    @TempDir
    Path dir;

    @Test
    void printsTheFirstStepOfTheoryAndWritesItsTables() throws IOException {
        CliRun run = CliRun.of("dogs", "--out", dir.toString(), "--lr", "0.5");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("h_1 = [0.65, 0.55, 0.71]"), run.out());
        assertTrue(run.out().contains("ŷ_1 = [0.36, 0.19, 0.27, 0.18]"), run.out());
        assertTrue(run.out().contains("W ← W − 0.5·∂L/∂W"), run.out());
        List<String> steps = Files.readAllLines(dir.resolve("dogs-steps.csv"));
        assertEquals(4, steps.size(), "header + 3 steps");
        List<String> matrices = Files.readAllLines(dir.resolve("dogs-matrices.csv"));
        assertEquals(1 + 9 + 12 + 12, matrices.size());
        // Check one row against the rule after = value − lr·gradient.
        String[] cells = matrices.get(1).split(",");
        double value = Double.parseDouble(cells[3]);
        double grad = Double.parseDouble(cells[4]);
        assertEquals(value - 0.5 * grad, Double.parseDouble(cells[5]), 1e-12);
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".part")), "no temporary files left");
        }
    }

    @Test
    void negativeLearningRateIsAUsageError() {
        CliRun run = CliRun.of("dogs", "--out", dir.toString(), "--lr", "-0.1");
        assertEquals(2, run.exitCode());
        assertEquals(1, run.errLines().size(), run.err());
        assertTrue(run.err().startsWith("error: invalid value for --lr: -0.1"), run.err());
        assertEquals("", run.out());
    }
}
