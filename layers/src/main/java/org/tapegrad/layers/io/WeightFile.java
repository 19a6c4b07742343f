package org.tapegrad.layers.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The contents of a safetensors weight file: named tensors (in file order), the optional string metadata, and what
 * the reader could verify about where it came from.
 *
 * @param tensors    name → tensor, unmodifiable, in the order of their data in the file
 * @param metadata   the {@code __metadata__} map (empty when absent), unmodifiable
 * @param provenance whether the file was written by tapegrad and its checksum verified, or came from another tool
 */
public record WeightFile(Map<String, WeightTensor> tensors, Map<String, String> metadata, Provenance provenance) {

    /** Where a file read came from, as far as the reader can tell. */
    public enum Provenance {
        /** Written by tapegrad: its metadata has tapegrad's entries, and its SHA-256 checksum was verified. */
        TAPEGRAD_VERIFIED("written by tapegrad, checksum verified"),
        /** Written by another tool (e.g. PyTorch): no tapegrad entry in its metadata, so there was no checksum to verify. */
        OTHER_TOOL_UNVERIFIED("written by another tool, no checksum to verify"),
        /** Not read from a file (built in memory, e.g. to be written). */
        IN_MEMORY("built in memory");

        private final String description;

        Provenance(String description) {
            this.description = description;
        }

        /** In words, for a log line: e.g. "written by tapegrad, checksum verified". */
        public String description() {
            return description;
        }
    }

    public WeightFile {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        Objects.requireNonNull(provenance, "provenance");
    }

    /** Contents built in memory, to be written. */
    public WeightFile(Map<String, WeightTensor> tensors, Map<String, String> metadata) {
        this(tensors, metadata, Provenance.IN_MEMORY);
    }

    /** Tensors without metadata. */
    public static WeightFile of(Map<String, WeightTensor> tensors) {
        return new WeightFile(tensors, Map.of());
    }
}
