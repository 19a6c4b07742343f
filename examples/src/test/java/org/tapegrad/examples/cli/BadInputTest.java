package org.tapegrad.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tapegrad.examples.CliRun;

/** Failures common to all subcommands: one line on stderr naming the problem, a non-zero exit code, no trace. */
class BadInputTest {

    @TempDir
    Path dir;

    @Test
    void unwritableOutputFolder() throws IOException {
        // A folder below a regular file can never be created, whoever runs the test (root ignores permission bits).
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        CliRun run = CliRun.of("dogs", "--out", file.resolve("results").toString());
        assertEquals(ExitCodes.BAD_INPUT, run.exitCode());
        assertOneLine(run, "output folder " + file.resolve("results"));
    }

    @Test
    void unknownSubcommand() {
        CliRun run = CliRun.of("cats");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertOneLine(run, "cats");
    }

    @Test
    void unknownOption() {
        CliRun run = CliRun.of("dogs", "--learning-rate", "0.1");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertOneLine(run, "--learning-rate");
    }

    @Test
    void malformedNumber() {
        CliRun run = CliRun.of("dogs", "--lr", "fast");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertOneLine(run, "fast");
    }

    @Test
    void helpWorksOnEverySubcommand() {
        CliRun root = CliRun.of("--help");
        assertEquals(0, root.exitCode());
        for (String sub : new String[] {"tour", "dogs", "flow", "adding", "music", "charlm"}) {
            assertTrue(root.out().contains(sub), "root help lists " + sub);
            CliRun help = CliRun.of(sub, "--help");
            assertEquals(0, help.exitCode(), sub);
            assertTrue(help.out().contains("--out"), sub + " --help shows --out");
        }
    }

    static void assertOneLine(CliRun run, String mentioned) {
        assertEquals(1, run.errLines().size(), "exactly one line on stderr: " + run.err());
        String line = run.errLines().get(0);
        assertTrue(line.startsWith("error: "), line);
        assertTrue(line.contains(mentioned), "the message names '" + mentioned + "': " + line);
        assertFalse(run.err().contains("\tat "), "no stack trace");
    }
}
