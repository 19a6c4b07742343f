package org.tapegrad.examples.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.tapegrad.examples.CliRun;
import org.tapegrad.layers.io.SafetensorsReader;
import org.tapegrad.layers.io.SafetensorsWriter;
import org.tapegrad.layers.io.WeightFile;

/**
 * Every bad input found by trying the tool as a user would (the cases of the resume issue, and the older ones): each
 * ends with exit code 2 and exactly one line on stderr, {@code error: …}, naming the option or file — never a stack
 * trace, an {@code OutOfMemoryError} or an "internal error". Checkpoints with bad metadata carry a valid checksum, so it
 * is the metadata validation that must catch them.
 */
class BadInputTableTest {

    @TempDir
    static Path dir;

    private static Path checkpoint;
    private static final String[] TINY = {"--hidden", "8", "--embedding", "4", "--batch", "2", "--bptt", "4", "--valid-chars", "20",
        "--sample-length", "5", "--quiet"};

    /** One row: the arguments and what the message must contain. */
    record Case(String name, String[] args, String mentioned) {
    }

    @BeforeAll
    static void tinyCheckpoint() {
        CliRun run = CliRun.of(concat(new String[] {"charlm", "--iterations", "2", "--eval-every", "2", "--out", dir.resolve("base").toString()}, TINY));
        assertEquals(0, run.exitCode(), run.err());
        checkpoint = dir.resolve("base/charlm.safetensors");
    }

    @Test
    void everyBadInputIsOneLineAndExitCode2() throws IOException {
        Path json = Files.writeString(dir.resolve("rolls.json"), "{\"train\":[[[60],[62]]],\"valid\":[[[60]]],\"test\":[[[64]]]}");
        Path unquoted = Files.writeString(dir.resolve("unquoted.json"), "{train:[[[60]]],valid:[[[60]]],test:[[[60]]]}");
        Path binary = Files.write(dir.resolve("binary.json"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, (byte) 0xc3});
        Path folder = Files.createDirectories(dir.resolve("a-folder.json"));
        Path plainFile = Files.writeString(dir.resolve("plain-file"), "x");
        Path junk = Files.writeString(dir.resolve("junk.safetensors"), "not a checkpoint");
        Path out = dir.resolve("out");
        String ckpt = checkpoint.toString();

        List<Case> cases = List.of(
                // the cases of the issue
                new Case("charlm --batch 100000", new String[] {"charlm", "--batch", "100000"}, "--batch 100000"),
                new Case("charlm --bptt 1000000", new String[] {"charlm", "--bptt", "1000000"}, "--bptt 1000000"),
                new Case("charlm --valid-chars 1", new String[] {"charlm", "--valid-chars", "1"}, "--valid-chars"),
                new Case("charlm --hidden 1000000000", new String[] {"charlm", "--hidden", "1000000000"}, "--hidden 1000000000"),
                new Case("charlm --hidden 100000", new String[] {"charlm", "--hidden", "100000"}, "--hidden 100000 with"),
                new Case("music --hidden 1000000000", new String[] {"music", "--data", json.toString(), "--hidden", "1000000000"}, "--hidden 1000000000"),
                new Case("flow --hidden 2000000000", new String[] {"flow", "--hidden", "2000000000"}, "--hidden 2000000000"),
                new Case("adding --batch 1000000000", new String[] {"adding", "--batch", "1000000000"}, "--batch 1000000000"),
                new Case("adding --lengths 2000000000", new String[] {"adding", "--lengths", "2000000000"}, "--lengths up to 2000000000"),
                new Case("checkpoint iteration=-5", resume(withMetadata("iteration-5", m -> m.put("counter.iteration", "-5"))), "counter.iteration"),
                new Case("checkpoint embedding=0", resume(withMetadata("embedding0", m -> m.put("config.embedding", "0"))), "embedding: 0"),
                new Case("checkpoint hidden=100000", resume(withMetadata("hidden100000", m -> m.put("config.hidden", "100000"))), "--hidden 100000"),
                new Case("checkpoint without its checksum key", resume(renamedChecksumKey()), "written by tapegrad"),
                new Case("--resume with conflicting --hidden", new String[] {"charlm", "--resume", ckpt, "--hidden", "64", "--embedding", "4"},
                        "--hidden 64 conflicts with the checkpoint"),
                new Case("--resume with another --cell", new String[] {"charlm", "--resume", ckpt, "--cell", "gru"}, "--cell gru conflicts"),
                new Case("music unquoted keys", new String[] {"music", "--data", unquoted.toString()}, "unquoted.json is not valid JSON"),
                new Case("music binary file", new String[] {"music", "--data", binary.toString()}, "binary.json is not UTF-8"),
                new Case("music folder", new String[] {"music", "--data", folder.toString()}, "a-folder.json is a folder"),
                // the older ones
                new Case("unknown subcommand", new String[] {"cats"}, "cats"),
                new Case("unknown option", new String[] {"dogs", "--learning-rate", "0.1"}, "--learning-rate"),
                new Case("malformed number", new String[] {"dogs", "--lr", "fast"}, "fast"),
                new Case("negative size", new String[] {"flow", "--hidden", "-3"}, "--hidden"),
                new Case("unknown cell", new String[] {"adding", "--cells", "tree"}, "tree"),
                new Case("charlm rnn", new String[] {"charlm", "--cell", "rnn"}, "lstm or gru"),
                new Case("unwritable output", new String[] {"dogs", "--out", plainFile.resolve("x").toString()}, "plain-file"),
                new Case("missing text", new String[] {"charlm", "--text", dir.resolve("none.txt").toString()}, "none.txt"),
                new Case("missing music data", new String[] {"music", "--data", dir.resolve("none.json").toString()}, "none.json"),
                new Case("junk checkpoint", new String[] {"charlm", "--resume", junk.toString()}, "junk.safetensors"),
                new Case("missing checkpoint", new String[] {"charlm", "--resume", dir.resolve("none.safetensors").toString()}, "none.safetensors"));

        List<Executable> checks = new ArrayList<>();
        for (Case c : cases) {
            String[] args = c.args()[0].equals("cats") || contains(c.args(), "--out") ? c.args() : concat(c.args(), "--out", out.toString());
            CliRun run = CliRun.of(args);
            checks.add(() -> {
                assertEquals(2, run.exitCode(), c.name() + ": exit code; stderr: " + run.err());
                assertEquals(1, run.errLines().size(), c.name() + ": exactly one line on stderr: " + run.err());
                String line = run.errLines().get(0);
                assertTrue(line.startsWith("error: "), c.name() + ": " + line);
                assertTrue(line.contains(c.mentioned()), c.name() + ": the message names '" + c.mentioned() + "': " + line);
                assertFalse(line.contains("internal error") || run.err().contains("\tat ") || line.contains("OutOfMemoryError"), c.name() + ": " + line);
            });
        }
        assertAll(checks);
    }

    private static String[] resume(Path file) {
        return concat(new String[] {"charlm", "--resume", file.toString()}, "--quiet");
    }

    /** A copy of the tiny checkpoint with edited metadata and a fresh, valid checksum. */
    private static Path withMetadata(String name, Consumer<Map<String, String>> edit) {
        try {
            WeightFile read = SafetensorsReader.create().read(checkpoint);
            Map<String, String> metadata = new LinkedHashMap<>(read.metadata());
            metadata.remove("tapegrad.sha256");
            edit.accept(metadata);
            Path file = dir.resolve(name + ".safetensors");
            SafetensorsWriter.create().write(file, read.tensors(), metadata);
            return file;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The tampering: the checksum key renamed (same length) and one data byte flipped. */
    private static Path renamedChecksumKey() {
        try {
            byte[] bytes = Files.readAllBytes(checkpoint);
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            int key = text.indexOf("tapegrad.sha256");
            bytes[key + "tapegrad.sha256".length() - 1] = 'X';
            bytes[bytes.length - 3] ^= 1;
            return Files.write(dir.resolve("renamed.safetensors"), bytes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean contains(String[] args, String option) {
        return List.of(args).contains(option);
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
