package org.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Same seed ⇒ the same bytes: the examples run twice, each in a fresh JVM (so every kernel goes through the
 * interpreter and the JIT tiers anew), and compare what they wrote. The two runs go side by side, one per core.
 */
class ReproducibilityTest {

    @TempDir
    Path folder;

    @Test
    void charlmWritesByteIdenticalCheckpointsFromTheSameSeed() throws Exception {
        List<Path> outs = runTwice("charlm", "--iterations", "30", "--seed", "1", "--quiet");
        byte[] first = Files.readAllBytes(outs.get(0).resolve("charlm.safetensors"));
        byte[] second = Files.readAllBytes(outs.get(1).resolve("charlm.safetensors"));
        assertTrue(first.length > 100_000, "a checkpoint of the whole model, " + first.length + " bytes");
        assertArrayEquals(first, second, "charlm.safetensors differs between two runs with --seed 1");
        assertArrayEquals(Files.readAllBytes(outs.get(0).resolve("charlm.csv")), Files.readAllBytes(outs.get(1).resolve("charlm.csv")));
    }

    @Test
    void addingPrintsTheSameFiguresEveryRun() throws Exception {
        List<Path> outs = runTwice("adding", "--lengths", "50", "--iterations", "300", "--quiet");
        // The only difference allowed: the output folder each run names.
        String first = Files.readString(outs.get(0).resolve("stdout.txt"), StandardCharsets.UTF_8).replace(outs.get(0).toString(), "OUT");
        String second = Files.readString(outs.get(1).resolve("stdout.txt"), StandardCharsets.UTF_8).replace(outs.get(1).toString(), "OUT");
        assertTrue(first.contains("LSTM"), first);
        assertEquals(first, second);
        assertArrayEquals(Files.readAllBytes(outs.get(0).resolve("adding.csv")), Files.readAllBytes(outs.get(1).resolve("adding.csv")));
    }

    /** Runs the examples tool with {@code args} in two fresh JVMs at once; returns their output folders. */
    private List<Path> runTwice(String... args) throws IOException, InterruptedException {
        List<Process> processes = new ArrayList<>();
        List<Path> outs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            Path out = Files.createDirectories(folder.resolve("run" + run));
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
            command.addAll(List.of(args));
            command.addAll(List.of("--out", out.toString()));
            processes.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.resolve("stdout.txt").toFile()).start());
            outs.add(out);
        }
        for (int run = 0; run < 2; run++) {
            Process p = processes.get(run);
            assertTrue(p.waitFor(5, TimeUnit.MINUTES), "run " + run + " did not finish");
            assertEquals(0, p.exitValue(), () -> "run failed: " + read(outs.get(processes.indexOf(p)).resolve("stdout.txt")));
        }
        return outs;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
