package org.tapegrad.examples.tour;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tapegrad.examples.CliRun;

/** The tour runs every stage and says where the results are. */
class TourCommandTest {

    @TempDir
    Path dir;

    @Test
    void runsEveryStageAndWritesCsvAndPng() {
        CliRun run = CliRun.of("tour", "--quiet", "--adding-iterations", "20", "--out", dir.toString());
        assertEquals(0, run.exitCode(), run.err());
        for (var stage : TourCommand.stages(20)) {
            assertTrue(run.out().contains("━━━ " + stage.get(0)), "stage " + stage.get(0) + " announced");
        }
        assertTrue(run.out().contains("h_1 = [0.65, 0.55, 0.71]"));
        assertTrue(run.out().contains("results (CSV and PNG) are in " + dir.toAbsolutePath()), run.out());
        for (String f : new String[] {"dogs-steps.csv", "dogs-matrices.csv", "flow.csv", "flow.png", "flow-lstm-cell.png", "adding.csv", "adding.png"}) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
    }
}
