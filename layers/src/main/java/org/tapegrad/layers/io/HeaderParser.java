package org.tapegrad.layers.io;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import org.tapegrad.op.DType;

/**
 * Parses the JSON header of a safetensors file with gson's strict streaming reader. The expected structure is
 * walked token by token — never a generic tree — so hostile input (deep nesting, huge arrays) fails at the first
 * unexpected token. Checks each entry on its own (dtype, rank, dimensions, byte count); the layout of all entries
 * together is checked by {@link DataLayout}.
 */
final class HeaderParser {

    static final String METADATA = "__metadata__";
    /** Largest tensor tapegrad can hold: a Java array of doubles. */
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    /** Highest rank read; the reference implementation has no limit, this one bounds what a hostile header can make us hold. */
    static final int MAX_RANK = 32;

    private final Path file;

    HeaderParser(Path file) {
        this.file = file;
    }

    record Header(List<TensorEntry> entries, Map<String, String> metadata) {
    }

    Header parse(String json) throws WeightFileException {
        if (json.startsWith("\uFEFF")) {
            throw fail("header starts with a byte-order mark (U+FEFF); a safetensors header is JSON without one");
        }
        try (JsonReader reader = new JsonReader(new StringReader(json))) {
            reader.setStrictness(Strictness.STRICT);
            if (reader.peek() != JsonToken.BEGIN_OBJECT) {
                throw fail("header is not a JSON object (it starts with " + reader.peek() + ")");
            }
            List<TensorEntry> entries = new ArrayList<>();
            Map<String, String> metadata = null;
            Set<String> names = new HashSet<>();
            reader.beginObject();
            while (reader.hasNext()) {
                String name = reader.nextName();
                if (!names.add(name)) {
                    throw fail("header names '" + name + "' twice");
                }
                if (name.equals(METADATA)) {
                    metadata = metadata(reader);
                } else {
                    entries.add(entry(reader, name));
                }
            }
            reader.endObject();
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw fail("header has content after its JSON object");
            }
            return new Header(entries, metadata == null ? Map.of() : metadata);
        } catch (WeightFileException e) {
            throw e;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            // MalformedJsonException / EOFException (IOException), wrong token type (IllegalStateException)
            throw fail("header is not valid JSON of the safetensors form: " + e.getMessage(), e);
        }
    }

    private Map<String, String> metadata(JsonReader reader) throws IOException {
        expect(reader, JsonToken.BEGIN_OBJECT, "__metadata__ must be an object of strings");
        Map<String, String> metadata = new LinkedHashMap<>();
        reader.beginObject();
        while (reader.hasNext()) {
            String key = reader.nextName();
            expect(reader, JsonToken.STRING, "__metadata__ value of '" + key + "' must be a string");
            if (metadata.put(key, reader.nextString()) != null) {
                throw fail("__metadata__ names '" + key + "' twice");
            }
        }
        reader.endObject();
        return metadata;
    }

    private TensorEntry entry(JsonReader reader, String name) throws IOException {
        expect(reader, JsonToken.BEGIN_OBJECT, "entry of tensor '" + name + "' must be an object");
        String dtypeName = null;
        long[] shape = null;
        long[] offsets = null;
        Set<String> fields = new HashSet<>();
        reader.beginObject();
        while (reader.hasNext()) {
            String key = reader.nextName();
            if (!fields.add(key)) {
                throw fail("tensor '" + name + "' names field '" + key + "' twice");
            }
            switch (key) {
                case "dtype" -> {
                    expect(reader, JsonToken.STRING, "dtype of tensor '" + name + "' must be a string");
                    dtypeName = reader.nextString();
                }
                case "shape" -> shape = integers(reader, name, "shape", MAX_RANK + 1);
                case "data_offsets" -> offsets = integers(reader, name, "data_offsets", 3);
                default -> throw fail("tensor '" + name + "' has an unknown field '" + key + "'");
            }
        }
        reader.endObject();
        if (dtypeName == null || shape == null || offsets == null) {
            throw fail("tensor '" + name + "' lacks " + (dtypeName == null ? "dtype" : shape == null ? "shape"
                    : "data_offsets"));
        }
        return validated(name, dtypeName, shape, offsets);
    }

    private TensorEntry validated(String name, String dtypeName, long[] shape, long[] offsets)
            throws WeightFileException {
        DType dtype = dtypeNamed(dtypeName);
        if (dtype == null) {
            throw fail("tensor '" + name + "' has dtype '" + dtypeName + "'; tapegrad reads F64 and F32 only");
        }
        long elements = 1;
        int[] dims = new int[shape.length];
        for (int k = 0; k < shape.length; k++) {
            if (shape[k] < 1) {
                throw fail("tensor '" + name + "' has dimension " + shape[k] + "; every dimension must be >= 1");
            }
            if (shape[k] > MAX_ELEMENTS || (elements *= shape[k]) > MAX_ELEMENTS) {
                throw fail("tensor '" + name + "' has more than " + MAX_ELEMENTS + " elements");
            }
            dims[k] = (int) shape[k];
        }
        if (offsets.length != 2) {
            throw fail("tensor '" + name + "' has " + offsets.length + " data_offsets; expected [begin, end]");
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (begin < 0 || end < begin) {
            throw fail("tensor '" + name + "' has data_offsets [" + begin + ", " + end + "]; expected 0 <= begin <= end");
        }
        long bytes = elements * dtype.bytes();
        if (end - begin != bytes) {
            throw fail("tensor '" + name + "' of shape " + java.util.Arrays.toString(dims) + " and dtype " + dtype
                    + " needs " + bytes + " bytes, but its data_offsets [" + begin + ", " + end + "] span "
                    + (end - begin));
        }
        return new TensorEntry(name, dtype, dims, begin, end);
    }

    /** An array of at most {@code limit} non-negative integers; a longer one is rejected without reading it all. */
    private long[] integers(JsonReader reader, String name, String field, int limit) throws IOException {
        expect(reader, JsonToken.BEGIN_ARRAY, field + " of tensor '" + name + "' must be an array");
        long[] values = new long[limit];
        int n = 0;
        reader.beginArray();
        while (reader.hasNext()) {
            if (n == limit) {
                throw fail(field + " of tensor '" + name + "' has more than " + (limit - 1) + (field.equals("shape") ? " dimensions" : " elements"));
            }
            expect(reader, JsonToken.NUMBER, field + " of tensor '" + name + "' must hold integers");
            String text = reader.nextString();
            try {
                values[n++] = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw fail(field + " of tensor '" + name + "' holds '" + text + "', not a 64-bit integer");
            }
        }
        reader.endArray();
        return java.util.Arrays.copyOf(values, n);
    }

    private void expect(JsonReader reader, JsonToken token, String problem) throws IOException {
        if (reader.peek() != token) {
            throw fail(problem + " (found " + reader.peek() + ")");
        }
    }

    private WeightFileException fail(String problem) {
        return new WeightFileException(file, problem);
    }

    private WeightFileException fail(String problem, Throwable cause) {
        return new WeightFileException(file, problem, cause);
    }

    /** The dtype named {@code name} in a safetensors header ({@code "F64"}, {@code "F32"}), or null when tapegrad does not support it. */
    private static DType dtypeNamed(String name) {
        for (DType d : DType.values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }
}
