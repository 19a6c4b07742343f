package org.tapegrad.examples.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tapegrad.examples.CliRun;

/** {@code flow} as a user runs it: table on stdout, CSV and PNG files. */
class FlowCommandTest {

    @TempDir
    Path dir;

    @Test
    void writesCurvesRatesAndChart() throws IOException {
        CliRun run = CliRun.of("flow", "--steps", "60", "--hidden", "8", "--batch", "2", "--quiet", "--out", dir.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("tanh ‖W‖=0.5"), run.out());
        List<String> curves = Files.readAllLines(dir.resolve("flow.csv"));
        assertEquals(61, curves.size(), "header + one row per distance");
        assertTrue(curves.get(1).startsWith("0,1.0,1.0"), "ratio 1 at distance 0: " + curves.get(1));
        byte[] png = Files.readAllBytes(dir.resolve("flow.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        assertTrue(Files.size(dir.resolve("flow-rates.csv")) > 0);
    }

    @Test
    void negativeSizesAreRejected() {
        for (String[] args : new String[][] {{"--hidden", "-3"}, {"--steps", "1"}, {"--batch", "0"}}) {
            CliRun run = CliRun.of("flow", args[0], args[1], "--out", dir.toString());
            assertEquals(2, run.exitCode(), String.join(" ", args));
            assertEquals(1, run.errLines().size(), run.err());
            assertTrue(run.err().contains(args[0]), run.err());
        }
    }
}
