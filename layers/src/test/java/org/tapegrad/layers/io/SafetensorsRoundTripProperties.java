package org.tapegrad.layers.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.tapegrad.layers.Theories.qt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tapegrad.op.DType;

class SafetensorsRoundTripProperties {

    private static Path dir;

    @BeforeAll
    static void createDirectory() {
        dir = Tensors.temporaryDirectory();
    }

    @AfterAll
    static void deleteDirectory() {
        Tensors.deleteRecursively(dir);
    }

    @Test
    void readBackWhatWasWritten() {
        qt(200).forAll(Tensors.file(), booleans().all()).checkAssert((original, checksum) -> {
            try {
                readBackWhatWasWritten(original, checksum);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static void readBackWhatWasWritten(WeightFile original, boolean checksum) throws IOException {
        Path file = dir.resolve("round-trip.safetensors");
        (checksum ? SafetensorsWriter.create() : SafetensorsWriter.withoutChecksum()).write(file, original);
        WeightFile read = SafetensorsReader.create().read(file);

        assertEquals(original.metadata(), withoutChecksum(read.metadata()));
        assertEquals(checksum, read.metadata().containsKey(Checksum.KEY));
        assertEquals(checksum ? WeightFile.Provenance.TAPEGRAD_VERIFIED : WeightFile.Provenance.OTHER_TOOL_UNVERIFIED, read.provenance());
        assertEquals(original.tensors().keySet(), read.tensors().keySet());
        for (Map.Entry<String, WeightTensor> e : original.tensors().entrySet()) {
            WeightTensor expected = e.getValue();
            WeightTensor actual = read.tensors().get(e.getKey());
            assertEquals(expected.dtype(), actual.dtype());
            assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()));
            for (int i = 0; i < expected.rows(); i++) {
                for (int j = 0; j < expected.cols(); j++) {
                    double x = expected.get(i, j);
                    double y = actual.get(i, j);
                    if (expected.dtype() == DType.F64) {
                        assertEquals(Double.doubleToLongBits(x), Double.doubleToLongBits(y), "F64 must be exact");
                    } else {
                        // F32: the nearest float, i.e. within half a float ulp of the original.
                        assertEquals((double) (float) x, y);
                        assertTrue(Double.isNaN(x) || Double.isInfinite(x) || Math.abs(x - y) <= (double) Math.ulp((float) x) / 2,
                                x + " read back as " + y);
                    }
                }
            }
        }
        assertEquals(1, Tensors.listing(dir).size(), "no temporary file left behind");
    }

    private static Map<String, String> withoutChecksum(Map<String, String> metadata) {
        Map<String, String> copy = new java.util.LinkedHashMap<>(metadata);
        copy.remove(Checksum.KEY);
        copy.remove(Checksum.WRITER_KEY);
        return copy;
    }
}
