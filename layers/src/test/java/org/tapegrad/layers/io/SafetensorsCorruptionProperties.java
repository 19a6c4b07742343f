package org.tapegrad.layers.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Damaged files are rejected with {@link WeightFileException} or read back exactly as written — never read as other
 * data, never another exception type, never a hang. Bit flips inside the data section are only detectable through
 * the checksum, so the full property reads with {@link SafetensorsReader#requiringChecksum()}; without it the
 * guarantee is narrower (second and third properties).
 */
class SafetensorsCorruptionProperties {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static Path dir;

    @BeforeContainer
    static void createDirectory() {
        dir = Tensors.temporaryDirectory();
    }

    @AfterContainer
    static void deleteDirectory() {
        Tensors.deleteRecursively(dir);
    }

    @Provide
    Arbitrary<WeightFile> files() {
        return Tensors.file();
    }

    @Provide
    Arbitrary<Corruption> corruptions() {
        return Corruption.any();
    }

    @Property(tries = 400)
    void corruptedFileIsRejectedOrReadExactly(@ForAll("files") WeightFile original,
            @ForAll @Size(min = 1, max = 3) List<@From("corruptions") Corruption> damage) throws IOException {
        byte[] damaged = damaged(original, damage, SafetensorsWriter.create());
        // What the undamaged file reads as (F32 tensors hold rounded values), before the damaged copy replaces it.
        WeightFile undamaged = SafetensorsReader.requiringChecksum().read(dir.resolve("valid.safetensors"));
        WeightFile read = readOrNull(SafetensorsReader.requiringChecksum(), damaged);
        if (read != null) {
            assertTrue(Tensors.sameContents(undamaged, read), "damaged file read as different contents");
        }
    }

    @Property(tries = 200)
    void withoutChecksumDamageStillNeverCausesAnotherExceptionOrHang(@ForAll("files") WeightFile original,
            @ForAll @Size(min = 1, max = 3) List<@From("corruptions") Corruption> damage) throws IOException {
        readOrNull(SafetensorsReader.create(), damaged(original, damage, SafetensorsWriter.withoutChecksum()));
    }

    @Property(tries = 200)
    void truncationAndWrongHeaderLengthAreAlwaysDetectedEvenWithoutChecksum(@ForAll("files") WeightFile original,
            @ForAll("corruptions") Corruption damage) throws IOException {
        byte[] valid = damaged(original, List.of(), SafetensorsWriter.withoutChecksum());
        byte[] bytes = damage.apply(valid);
        boolean structural = (damage instanceof Corruption.Truncate && bytes.length < valid.length)
                || ((damage instanceof Corruption.HeaderLength || damage instanceof Corruption.HeaderLengthDelta)
                        && !java.util.Arrays.equals(bytes, valid));
        net.jqwik.api.Assume.that(structural);
        Path file = dir.resolve("damaged.safetensors");
        Files.write(file, bytes);
        assertTimeoutPreemptively(TIMEOUT,
                () -> assertThrows(WeightFileException.class, () -> SafetensorsReader.create().read(file)));
    }

    private static byte[] damaged(WeightFile original, List<Corruption> damage, SafetensorsWriter writer)
            throws IOException {
        Path file = dir.resolve("valid.safetensors");
        writer.write(file, original);
        byte[] bytes = Files.readAllBytes(file);
        for (Corruption c : damage) {
            bytes = c.apply(bytes);
        }
        return bytes;
    }

    /** The file's contents, or null if the reader rejected it with the documented exception. */
    private static WeightFile readOrNull(SafetensorsReader reader, byte[] bytes) throws IOException {
        Path file = dir.resolve("damaged.safetensors");
        Files.write(file, bytes);
        return assertTimeoutPreemptively(TIMEOUT, () -> {
            try {
                return reader.read(file);
            } catch (WeightFileException e) {
                assertTrue(e.getMessage().contains(file.toString()), "message must name the file: " + e.getMessage());
                return null;
            } catch (Throwable t) {
                return fail("reader threw " + t + " instead of WeightFileException", t);
            }
        });
    }
}
