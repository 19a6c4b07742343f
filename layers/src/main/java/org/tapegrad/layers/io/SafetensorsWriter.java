package org.tapegrad.layers.io;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.stream.JsonWriter;

import org.tapegrad.op.DType;

/**
 * Writes safetensors files (layout in {@link SafetensorsReader}), tensors in the map's order, each in its own
 * {@link WeightTensor#dtype()}: F64 exactly, F32 by rounding to nearest. The JSON header is padded with spaces to a
 * multiple of 8 bytes so that the data is aligned, as the reference implementation does. By default a
 * {@code tapegrad.sha256} checksum is added to {@code __metadata__} (other tools ignore it; see
 * {@link SafetensorsReader}). Files are replaced atomically: temporary file in the same directory, fsync, atomic
 * move.
 */
public final class SafetensorsWriter {

    private final boolean checksum;

    private SafetensorsWriter(boolean checksum) {
        this.checksum = checksum;
    }

    /** A writer that adds the {@code tapegrad.sha256} checksum. */
    public static SafetensorsWriter create() {
        return new SafetensorsWriter(true);
    }

    /**
     * A writer of plain safetensors without tapegrad's entries, as another tool would write (for tests and for
     * exchange with tools that reject unknown metadata); metadata keys starting with {@code tapegrad.} are refused.
     */
    public static SafetensorsWriter withoutChecksum() {
        return new SafetensorsWriter(false);
    }

    /**
     * Writes {@code contents} to {@code file}, replacing it atomically.
     *
     * @throws IllegalArgumentException for a tensor named {@code __metadata__} or not encodable as UTF-8, a user
     *         metadata entry named {@code tapegrad.sha256}, or a finite value too large for F32 (naming the tensor)
     */
    public void write(Path file, WeightFile contents) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>(contents.metadata());
        if (checksum) {
            metadata.put(Checksum.WRITER_KEY, Checksum.WRITER);
        } else {
            for (String key : metadata.keySet()) {
                if (key != null && key.startsWith(Checksum.PREFIX)) {
                    throw new IllegalArgumentException("metadata key '" + key + "': keys starting with '" + Checksum.PREFIX
                            + "' mark a file written by tapegrad, which readers then require to carry a checksum");
                }
            }
        }
        List<TensorEntry> entries = layout(contents, metadata);
        if (checksum) {
            Checksum sum = new Checksum(entries, metadata);
            try {
                forEachDataChunk(contents, sum::data);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // cannot happen: no I/O in the digest
            }
            metadata.put(Checksum.KEY, sum.hex());
        }
        byte[] header = header(entries, metadata);
        AtomicFiles.write(file, channel -> {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
            writeFully(channel, length);
            writeFully(channel, ByteBuffer.wrap(header));
            forEachDataChunk(contents, chunk -> writeFully(channel, chunk));
        });
    }

    /** Tensors with metadata map. */
    public void write(Path file, Map<String, WeightTensor> tensors, Map<String, String> metadata) throws IOException {
        write(file, new WeightFile(tensors, metadata));
    }

    private List<TensorEntry> layout(WeightFile contents, Map<String, String> metadata) {
        metadata.forEach((k, v) -> {
            if (k == null || v == null) {
                throw new IllegalArgumentException("metadata keys and values must not be null: " + k + " = " + v);
            }
            requireUtf8("metadata key", k);
            requireUtf8("metadata value", v);
        });
        if (checksum && metadata.containsKey(Checksum.KEY)) {
            throw new IllegalArgumentException("metadata key " + Checksum.KEY + " is reserved for the checksum");
        }
        List<TensorEntry> entries = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, WeightTensor> e : contents.tensors().entrySet()) {
            String name = e.getKey();
            WeightTensor t = e.getValue();
            if (name == null || t == null) {
                throw new IllegalArgumentException("tensor names and tensors must not be null: " + name);
            }
            if (name.equals(HeaderParser.METADATA)) {
                throw new IllegalArgumentException("a tensor cannot be named " + HeaderParser.METADATA);
            }
            requireUtf8("tensor name", name);
            if (t.dtype() == DType.F32) {
                requireFloatRange(name, t);
            }
            long bytes = (long) t.size() * t.dtype().bytes();
            entries.add(new TensorEntry(name, t.dtype(), t.shape(), offset, offset + bytes));
            offset += bytes;
        }
        return entries;
    }

    private static byte[] header(List<TensorEntry> entries, Map<String, String> metadata) throws IOException {
        StringWriter text = new StringWriter();
        try (JsonWriter json = new JsonWriter(text)) {
            json.beginObject();
            if (!metadata.isEmpty()) {
                json.name(HeaderParser.METADATA).beginObject();
                for (Map.Entry<String, String> m : metadata.entrySet()) {
                    json.name(m.getKey()).value(m.getValue());
                }
                json.endObject();
            }
            for (TensorEntry e : entries) {
                json.name(e.name()).beginObject();
                json.name("dtype").value(e.dtype().name());
                json.name("shape").beginArray();
                for (int d : e.shape()) {
                    json.value(d);
                }
                json.endArray();
                json.name("data_offsets").beginArray().value(e.begin()).value(e.end()).endArray();
                json.endObject();
            }
            json.endObject();
        }
        byte[] utf8 = text.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (utf8.length + 7) / 8 * 8;
        byte[] header = java.util.Arrays.copyOf(utf8, padded);
        java.util.Arrays.fill(header, utf8.length, padded, (byte) ' ');
        return header;
    }

    private interface ChunkSink {
        void accept(ByteBuffer chunk) throws IOException;
    }

    /** Encodes all tensors, in order, into little-endian chunks of at most 64 KiB. */
    private static void forEachDataChunk(WeightFile contents, ChunkSink sink) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(SafetensorsReader.CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (WeightTensor t : contents.tensors().values()) {
            int width = t.dtype().bytes();
            for (int k = 0; k < t.size(); k++) {
                if (chunk.remaining() < width) {
                    sink.accept(chunk.flip());
                    chunk.clear();
                }
                if (width == 8) {
                    chunk.putDouble(t.flat(k));
                } else {
                    chunk.putFloat(t.flat32(k));
                }
            }
        }
        if (chunk.position() > 0) {
            sink.accept(chunk.flip());
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    private static void requireFloatRange(String name, WeightTensor t) {
        for (int k = 0; k < t.size(); k++) {
            double v = t.flat(k);
            if (Double.isFinite(v) && Float.isInfinite((float) v)) {
                throw new IllegalArgumentException("tensor '" + name + "': value " + v + " at row-major index " + k
                        + " overflows F32");
            }
        }
    }

    private static void requireUtf8(String what, String s) {
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(s)) {
            throw new IllegalArgumentException(what + " '" + s + "' has an unpaired surrogate; not encodable as UTF-8");
        }
    }
}
