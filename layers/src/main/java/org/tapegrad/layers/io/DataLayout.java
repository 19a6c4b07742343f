package org.tapegrad.layers.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Checks that the tensors' byte ranges tile the data section exactly — sorted by offset, the first starts at 0, each
 * starts where the previous ends, the last ends at the end of the file — as the reference safetensors
 * implementation requires. This rejects overlapping tensors, holes, offsets beyond the file, truncated files and
 * trailing bytes.
 */
final class DataLayout {

    private DataLayout() {
    }

    /** The entries sorted by offset, once validated against a data section of {@code dataLength} bytes. */
    static List<TensorEntry> check(Path file, List<TensorEntry> entries, long dataLength) throws WeightFileException {
        List<TensorEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(TensorEntry::begin).thenComparingLong(TensorEntry::end));
        long expected = 0;
        for (TensorEntry e : sorted) {
            if (e.end() > dataLength) {
                throw new WeightFileException(file, "tensor '" + e.name() + "' has data_offsets [" + e.begin() + ", "
                        + e.end() + "] beyond the data section of " + dataLength + " bytes (file truncated?)");
            }
            if (e.begin() < expected) {
                throw new WeightFileException(file, "tensor '" + e.name() + "' at [" + e.begin() + ", " + e.end()
                        + ") overlaps the previous tensor, which ends at " + expected);
            }
            if (e.begin() > expected) {
                throw new WeightFileException(file, "bytes [" + expected + ", " + e.begin()
                        + ") of the data section belong to no tensor (before tensor '" + e.name() + "')");
            }
            expected = e.end();
        }
        if (expected != dataLength) {
            throw new WeightFileException(file, "the data section has " + dataLength + " bytes but the tensors cover "
                    + expected + " (trailing bytes or a wrong header length)");
        }
        return sorted;
    }
}
