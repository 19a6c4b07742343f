package org.tapegrad.layers.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Arbitraries of weight tensors and files for the io properties, and temporary directories for jqwik. */
final class Tensors {

    private Tensors() {
    }

    /** A 1-D or 2-D tensor of up to 4×5 elements; any double for F64 (NaN, ±∞, −0 included), float range for F32. */
    static Arbitrary<WeightTensor> tensor() {
        Arbitrary<Integer> dim = Arbitraries.integers().between(1, 5);
        return Combinators.combine(Arbitraries.of(DType.values()), Arbitraries.of(1, 2), dim, dim)
                .flatAs((dtype, rank, rows, cols) -> {
                    int n = rank == 1 ? cols : rows * cols;
                    return values(dtype).array(double[].class).ofSize(n).map(data -> rank == 1
                            ? WeightTensor.vector(data).withDtype(dtype)
                            : WeightTensor.of(toRows(data, rows, cols)).withDtype(dtype));
                });
    }

    private static Arbitrary<Double> values(DType dtype) {
        Arbitrary<Double> finite = dtype == DType.F64
                ? Arbitraries.doubles().between(-1e300, 1e300)
                : Arbitraries.doubles().between(-3e38, 3e38);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, finite),
                net.jqwik.api.Tuple.of(2, Arbitraries.doubles().between(-1, 1)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
                        Double.NEGATIVE_INFINITY, Double.MIN_VALUE, 1e-40)));
    }

    private static double[][] toRows(double[] data, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(data, i * cols, m[i], 0, cols);
        }
        return m;
    }

    /** Up to four tensors with distinct names (ASCII and non-ASCII) and up to two metadata entries. */
    static Arbitrary<WeightFile> file() {
        Arbitrary<String> names = Arbitraries.strings().withChars("abcxyz_.0123").withChars("äλ中")
                .ofMinLength(1).ofMaxLength(8).filter(s -> !s.equals(HeaderParser.METADATA));
        Arbitrary<Map<String, WeightTensor>> tensors = Arbitraries.maps(names, tensor()).ofMaxSize(4)
                .map(LinkedHashMap::new);
        Arbitrary<Map<String, String>> metadata = Arbitraries.maps(names, Arbitraries.strings().ofMaxLength(6)
                .alpha().numeric().withChars(" \"\\{}")).ofMaxSize(2);
        return Combinators.combine(tensors, metadata).as(WeightFile::new);
    }

    /** The tensors equal (bit for bit) and the metadata equal. */
    static boolean sameContents(WeightFile expected, WeightFile actual) {
        return expected.tensors().equals(actual.tensors()) && expected.metadata().equals(actual.metadata());
    }

    /** On Linux a RAM file system, where the writer's fsync costs nothing; elsewhere the default temp dir. */
    static Path temporaryDirectory() {
        try {
            Path shm = Path.of("/dev/shm");
            if (Files.isDirectory(shm) && Files.isWritable(shm)) {
                return Files.createTempDirectory(shm, "tapegrad-io");
            }
            return Files.createTempDirectory("tapegrad-io");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Best-effort cleanup (jqwik may still be shrinking in another thread when a container ends). */
    static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // leave it to the system's temporary-file cleanup
        }
    }

    static List<Path> listing(Path dir) throws IOException {
        try (Stream<Path> paths = Files.list(dir)) {
            return paths.toList();
        }
    }
}
