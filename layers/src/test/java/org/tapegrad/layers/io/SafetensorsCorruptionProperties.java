package org.tapegrad.layers.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.tapegrad.layers.Theories.qt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Damaged files are rejected with {@link WeightFileException} or read back exactly as written — never read as other
 * data, never another exception type, never a hang. Bit flips inside the data section are only detectable through
 * the checksum, so the full property reads with {@link SafetensorsReader#requiringChecksum()}; without it the
 * guarantee is narrower (second and third properties).
 */
class SafetensorsCorruptionProperties {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static Path dir;

    @BeforeAll
    static void createDirectory() {
        dir = Tensors.temporaryDirectory();
    }

    @AfterAll
    static void deleteDirectory() {
        Tensors.deleteRecursively(dir);
    }

    private static final Gen<WeightFile> FILES = Tensors.file();

    /** One to three damages, applied in order. */
    private static final Gen<List<Corruption>> DAMAGE = lists().of(Corruption.any()).ofSizeBetween(1, 3);

    /** An {@code IOException} of the test's own file handling fails the example like any other error. */
    interface IoBody<A, B> {
        void accept(A a, B b) throws IOException;
    }

    private static <A, B> java.util.function.BiConsumer<A, B> unchecked(IoBody<A, B> body) {
        return (a, b) -> {
            try {
                body.accept(a, b);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    @Test
    void corruptedFileIsRejectedOrReadExactly() {
        qt(400).forAll(FILES, DAMAGE).checkAssert(unchecked(SafetensorsCorruptionProperties::corruptedFileIsRejectedOrReadExactly));
    }

    @Test
    void withoutChecksumDamageStillNeverCausesAnotherExceptionOrHang() {
        qt(200).forAll(FILES, DAMAGE).checkAssert(unchecked(SafetensorsCorruptionProperties::withoutChecksumDamageStillNeverCausesAnotherExceptionOrHang));
    }

    /**
     * Only damage that changes the structure: the truncations and header lengths of {@link Corruption#any()} that
     * change the bytes. {@link Corruption#structural()} draws only those kinds, so the assumption rarely rejects.
     */
    @Test
    void truncationAndWrongHeaderLengthAreAlwaysDetectedEvenWithoutChecksum() {
        qt(200).forAll(FILES, Corruption.structural())
                .assuming((original, damage) -> {
                    try {
                        return structural(original, damage);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .checkAssert(unchecked(SafetensorsCorruptionProperties::truncationAndWrongHeaderLengthAreAlwaysDetectedEvenWithoutChecksum));
    }

    private static void corruptedFileIsRejectedOrReadExactly(WeightFile original, List<Corruption> damage) throws IOException {
        byte[] damaged = damaged(original, damage, SafetensorsWriter.create());
        // What the undamaged file reads as (F32 tensors hold rounded values), before the damaged copy replaces it.
        WeightFile undamaged = SafetensorsReader.requiringChecksum().read(dir.resolve("valid.safetensors"));
        WeightFile read = readOrNull(SafetensorsReader.requiringChecksum(), damaged);
        if (read != null) {
            assertTrue(Tensors.sameContents(undamaged, read), "damaged file read as different contents");
        }
    }

    private static void withoutChecksumDamageStillNeverCausesAnotherExceptionOrHang(WeightFile original, List<Corruption> damage)
            throws IOException {
        readOrNull(SafetensorsReader.create(), damaged(original, damage, SafetensorsWriter.withoutChecksum()));
    }

    /** Whether {@code damage} truncates the file or changes its header length. */
    private static boolean structural(WeightFile original, Corruption damage) throws IOException {
        byte[] valid = damaged(original, List.of(), SafetensorsWriter.withoutChecksum());
        byte[] bytes = damage.apply(valid);
        return (damage instanceof Corruption.Truncate && bytes.length < valid.length)
                || ((damage instanceof Corruption.HeaderLength || damage instanceof Corruption.HeaderLengthDelta)
                        && !java.util.Arrays.equals(bytes, valid));
    }

    private static void truncationAndWrongHeaderLengthAreAlwaysDetectedEvenWithoutChecksum(WeightFile original, Corruption damage)
            throws IOException {
        byte[] valid = damaged(original, List.of(), SafetensorsWriter.withoutChecksum());
        byte[] bytes = damage.apply(valid);
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
