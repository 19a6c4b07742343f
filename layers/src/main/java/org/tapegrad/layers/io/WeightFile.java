package org.tapegrad.layers.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The contents of a safetensors weight file: named tensors (in file order) and the optional string metadata.
 *
 * @param tensors  name → tensor, unmodifiable, in the order of their data in the file
 * @param metadata the {@code __metadata__} map (empty when absent), unmodifiable
 */
public record WeightFile(Map<String, WeightTensor> tensors, Map<String, String> metadata) {

    public WeightFile {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** Tensors without metadata. */
    public static WeightFile of(Map<String, WeightTensor> tensors) {
        return new WeightFile(tensors, Map.of());
    }
}
