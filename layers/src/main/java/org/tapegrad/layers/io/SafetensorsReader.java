package org.tapegrad.layers.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.tapegrad.op.DType;

/**
 * Reads safetensors files of F64/F32 tensors of any rank (see {@link WeightTensor} for how they are seen as
 * matrices), the whole file or only the tensors a name filter selects.
 *
 * <p>Layout: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
 * {@code {"name": {"dtype", "shape", "data_offsets": [begin, end]}, …, "__metadata__": {…}}}, then the data,
 * little-endian and row-major, offsets relative to the start of the data.
 *
 * <p>Every malformed file is rejected with a {@link WeightFileException} naming the file and the problem: shorter
 * than 8 bytes, a header length beyond the file or above {@value #MAX_HEADER_BYTES} bytes, a header that is not
 * UTF-8, starts with a byte-order mark, is not strict JSON or not an object, names a field of an entry twice, an
 * unknown dtype, a rank above {@value HeaderParser#MAX_RANK}, a byte count that does not match shape × dtype, offsets that overlap, leave holes, run past the data or leave trailing bytes, and (when
 * present or required) a wrong {@code tapegrad.sha256} checksum. Lengths are checked against the file size before
 * anything is allocated; reading is bounded by the file size, so it cannot hang on a regular file.
 * Reading an F32 file allocates twice its data size, for the widened doubles. A header is parsed only if about
 * {@value #HEAP_PER_HEADER_BYTE} times its length fits in the free heap (its bytes, its characters and the parser's
 * tokens), so a large header is an error naming the file and the heap, not an {@code OutOfMemoryError}. A directory
 * or an unreadable file is an error naming the file.
 */
public final class SafetensorsReader {

    /** Upper bound on the JSON header, as in the reference implementation (100 MB). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    static final int CHUNK = 1 << 16;
    /** Bytes of heap that parsing needs per header byte: the bytes, the decoded UTF-16 string and its copy, gson's tokens. */
    static final long HEAP_PER_HEADER_BYTE = 6;

    private final boolean requireChecksum;

    private SafetensorsReader(boolean requireChecksum) {
        this.requireChecksum = requireChecksum;
    }

    /**
     * A reader that verifies the {@code tapegrad.sha256} checksum of every file written by tapegrad (one with any
     * {@code tapegrad.} metadata entry, which is then rejected without a checksum) and reads other tools' files
     * unverified; {@link WeightFile#provenance()} says which it was.
     */
    public static SafetensorsReader create() {
        return new SafetensorsReader(false);
    }

    /** A reader that also rejects files of other tools, i.e. every file without a {@code tapegrad.sha256} checksum. */
    public static SafetensorsReader requiringChecksum() {
        return new SafetensorsReader(true);
    }

    /** Reads a whole file. */
    public WeightFile read(Path file) throws IOException {
        return read(file, name -> true);
    }

    /**
     * Reads the tensors whose names {@code select} accepts; the others are neither decoded nor held (in a file with a
     * tapegrad checksum their bytes are still streamed through the digest, which covers the whole file). The header
     * and the layout of every tensor are validated as for a whole file.
     */
    public WeightFile read(Path file, Predicate<String> select) throws IOException {
        if (Files.isDirectory(file)) {
            throw new WeightFileException(file, "is a directory, not a safetensors file");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(file, channel, select);
        } catch (NoSuchFileException e) {
            throw new WeightFileException(file, "does not exist", e);
        } catch (WeightFileException e) {
            throw e;
        } catch (IOException e) {
            throw new WeightFileException(file, "cannot be read: " + e.getMessage(), e);
        }
    }

    /** Rejects a header whose parsing would need more heap than {@code freeHeap} bytes. */
    static void checkHeaderFitsHeap(Path file, long headerLength, long freeHeap) throws WeightFileException {
        if (headerLength > freeHeap / HEAP_PER_HEADER_BYTE) {
            throw new WeightFileException(file, "header of " + headerLength + " bytes needs about " + HEAP_PER_HEADER_BYTE * headerLength
                    + " bytes of heap to parse, but only " + freeHeap + " are free (raise -Xmx, or the file is not what it claims)");
        }
    }

    private static long freeHeap() {
        Runtime r = Runtime.getRuntime();
        return r.maxMemory() - (r.totalMemory() - r.freeMemory());
    }

    private WeightFile read(Path file, FileChannel channel, Predicate<String> select) throws IOException {
        long size = channel.size();
        if (size < 8) {
            throw new WeightFileException(file, "truncated: " + size + " bytes, fewer than the 8-byte header length");
        }
        ByteBuffer prefix = readFully(file, channel, 0, 8);
        long headerLength = prefix.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
            throw new WeightFileException(file, "header length " + Long.toUnsignedString(headerLength)
                    + " is absurd (limit " + MAX_HEADER_BYTES + " bytes); not a safetensors file?");
        }
        if (headerLength > size - 8) {
            throw new WeightFileException(file, "header length " + headerLength + " is larger than the "
                    + (size - 8) + " bytes that follow it (file truncated or not safetensors)");
        }
        checkHeaderFitsHeap(file, headerLength, freeHeap());
        String json = utf8(file, readFully(file, channel, 8, (int) headerLength));
        HeaderParser.Header header = new HeaderParser(file).parse(json);
        long dataStart = 8 + headerLength;
        List<TensorEntry> entries = DataLayout.check(file, header.entries(), size - dataStart);

        String expectedSum = header.metadata().get(Checksum.KEY);
        if (expectedSum == null) {
            for (String key : header.metadata().keySet()) {
                if (key.startsWith(Checksum.PREFIX)) {
                    throw new WeightFileException(file, "was written by tapegrad (its metadata has '" + key + "') but has no "
                            + Checksum.KEY + " checksum; tapegrad always writes one, so the file was altered");
                }
            }
            if (requireChecksum) {
                throw new WeightFileException(file, "has no " + Checksum.KEY + " checksum in __metadata__, and one is required");
            }
        }
        Checksum checksum = expectedSum == null ? null : new Checksum(entries, header.metadata());
        Map<String, WeightTensor> tensors = new LinkedHashMap<>();
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(size - dataStart, 1)))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (TensorEntry e : entries) {
            if (select.test(e.name())) {
                tensors.put(e.name(), e.dtype() == DType.F32
                        ? WeightTensor.wrap32(e.shape(), decode32(file, channel, dataStart, e, chunk, checksum))
                        : WeightTensor.wrap(e.dtype(), e.shape(), decode(file, channel, dataStart, e, chunk, checksum)));
            } else if (checksum != null) {
                digestOnly(file, channel, dataStart, e, chunk, checksum);
            }
        }
        if (checksum != null) {
            String actual = checksum.hex();
            if (!actual.equals(expectedSum)) {
                throw new WeightFileException(file, "checksum mismatch: " + Checksum.KEY + " says " + expectedSum
                        + " but the contents hash to " + actual + " (file corrupted)");
            }
        }
        return new WeightFile(tensors, header.metadata(),
                checksum != null ? WeightFile.Provenance.TAPEGRAD_VERIFIED : WeightFile.Provenance.OTHER_TOOL_UNVERIFIED);
    }

    private static double[] decode(Path file, FileChannel channel, long dataStart, TensorEntry e, ByteBuffer chunk,
            Checksum checksum) throws IOException {
        double[] values = new double[e.elements()];
        int width = e.dtype().bytes();
        long position = dataStart + e.begin();
        int k = 0;
        while (k < values.length) {
            int count = Math.min(values.length - k, chunk.capacity() / width);
            chunk.clear().limit(count * width);
            fill(file, channel, position, chunk);
            chunk.flip();
            if (checksum != null) {
                checksum.data(chunk);
            }
            for (int c = 0; c < count; c++) {
                values[k++] = width == 8 ? chunk.getDouble() : chunk.getFloat();
            }
            position += (long) count * width;
        }
        return values;
    }

    /** An F32 tensor's floats as stored: no widening to double. */
    private static float[] decode32(Path file, FileChannel channel, long dataStart, TensorEntry e, ByteBuffer chunk,
            Checksum checksum) throws IOException {
        float[] values = new float[e.elements()];
        long position = dataStart + e.begin();
        int k = 0;
        while (k < values.length) {
            int count = Math.min(values.length - k, chunk.capacity() / Float.BYTES);
            chunk.clear().limit(count * Float.BYTES);
            fill(file, channel, position, chunk);
            chunk.flip();
            if (checksum != null) {
                checksum.data(chunk);
            }
            for (int c = 0; c < count; c++) {
                values[k++] = chunk.getFloat();
            }
            position += (long) count * Float.BYTES;
        }
        return values;
    }

    private static void digestOnly(Path file, FileChannel channel, long dataStart, TensorEntry e, ByteBuffer chunk, Checksum checksum)
            throws IOException {
        long position = dataStart + e.begin();
        long end = dataStart + e.end();
        while (position < end) {
            int count = (int) Math.min(end - position, chunk.capacity());
            chunk.clear().limit(count);
            fill(file, channel, position, chunk);
            chunk.flip();
            checksum.data(chunk);
            position += count;
        }
    }

    private static ByteBuffer readFully(Path file, FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        fill(file, channel, position, buffer);
        return buffer.flip();
    }

    private static void fill(Path file, FileChannel channel, long position, ByteBuffer buffer) throws IOException {
        long p = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, p);
            if (n < 0) {
                throw new WeightFileException(file, "truncated while reading: ended at byte " + p);
            }
            p += n;
        }
    }

    private static String utf8(Path file, ByteBuffer bytes) throws WeightFileException {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new WeightFileException(file, "header is not valid UTF-8", e);
        }
    }
}
