package org.tapegrad.layers.io;

import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.maps;
import static org.tapegrad.layers.Theories.decimals;
import static org.tapegrad.layers.Theories.doubleArrays;
import static org.tapegrad.layers.Theories.strings;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.tapegrad.op.DType;

/** Generators of weight tensors and files for the io properties, and temporary directories for them. */
final class Tensors {

    private Tensors() {
    }

    /** A 1-D or 2-D tensor of up to 5×5 elements; any double for F64 (NaN, ±∞, −0 included), float range for F32. */
    static Gen<WeightTensor> tensor() {
        Gen<DType> dtypes = arbitrary().pick(DType.values());
        Gen<Integer> ranks = arbitrary().pick(1, 2);
        Gen<Integer> dim = integers().between(1, 5);
        Gen<WeightTensor> gen = in -> {
            DType dtype = dtypes.generate(in);
            int rank = ranks.generate(in);
            int rows = dim.generate(in);
            int cols = dim.generate(in);
            int n = rank == 1 ? cols : rows * cols;
            double[] data = doubleArrays(values(dtype), n).generate(in);
            return rank == 1
                    ? WeightTensor.vector(data).withDtype(dtype)
                    : WeightTensor.of(toRows(data, rows, cols)).withDtype(dtype);
        };
        return gen.describedAs(Tensors::describe);
    }

    private static Gen<Double> values(DType dtype) {
        Gen<Double> finite = dtype == DType.F64 ? symmetricDecimals(1e300, 2) : symmetricDecimals(3e38, 2);
        return Generate.frequency(
                Pair.of(8, finite),
                Pair.of(2, decimals(-1, 1, 2)),
                Pair.of(1, arbitrary().pick(0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
                        Double.NEGATIVE_INFINITY, Double.MIN_VALUE, 1e-40)));
    }

    /**
     * Decimals with {@code scale} digits after the point in {@code [−max, max]} for a range too wide to count in units
     * of the scale (more than fit a long, which {@code decimals} refuses): the magnitude is drawn uniformly and rounded
     * to the scale (a no-op beyond 2⁵³ units), the sign drawn apart. Shrinks towards 0.
     */
    static Gen<Double> symmetricDecimals(double max, int scale) {
        Gen<Boolean> negative = Generate.booleans();
        Gen<Double> magnitude = Generate.longRange(0, 1L << 53).map(bits -> round(bits * 0x1.0p-53 * max, scale, max));
        return negative.zip(magnitude, (minus, m) -> minus ? -m : m);
    }

    private static double round(double x, int scale, double max) {
        if (Math.abs(x) >= 0x1.0p53) {
            return Math.min(x, max);
        }
        return Math.min(BigDecimal.valueOf(x).setScale(scale, RoundingMode.HALF_EVEN).doubleValue(), max);
    }

    private static double[][] toRows(double[] data, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(data, i * cols, m[i], 0, cols);
        }
        return m;
    }

    /** Up to four tensors with distinct names (ASCII and non-ASCII) and up to two metadata entries. */
    static Gen<WeightFile> file() {
        Gen<String> names = strings("abcxyz_.0123" + "äλ中", 1, 8).assuming(s -> !s.equals(HeaderParser.METADATA));
        Gen<Map<String, WeightTensor>> tensors = maps().of(names, tensor()).ofSizeBetween(0, 4)
                .map(m -> (Map<String, WeightTensor>) new LinkedHashMap<>(m));
        Gen<Map<String, String>> metadata = maps().of(names, strings(ALPHA + DIGITS + " \"\\{}", 0, 6)).ofSizeBetween(0, 2);
        return tensors.zip(metadata, WeightFile::new).describedAs(Tensors::describe);
    }

    private static final String ALPHA = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final String DIGITS = "0123456789";

    /** Dtype, shape and values (row-major), for failure reports. */
    static String describe(WeightTensor t) {
        StringBuilder s = new StringBuilder(t.toString()).append(" [");
        for (int i = 0; i < t.rows(); i++) {
            for (int j = 0; j < t.cols(); j++) {
                s.append(i + j == 0 ? "" : ", ").append(t.get(i, j));
            }
        }
        return s.append(']').toString();
    }

    /** Names quoted, so that empty, blank and non-ASCII ones show in a failure report. */
    static String describe(WeightFile f) {
        StringBuilder s = new StringBuilder("WeightFile[tensors={");
        f.tensors().forEach((name, t) -> s.append('"').append(name).append("\"=").append(describe(t)).append(", "));
        s.append("}, metadata={");
        f.metadata().forEach((k, v) -> s.append('"').append(k).append("\"=\"").append(v).append("\", "));
        return s.append("}]").toString();
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

    /** Best-effort cleanup: a file still open elsewhere leaves it to the system. */
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
