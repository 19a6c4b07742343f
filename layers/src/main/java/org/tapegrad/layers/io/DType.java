package org.tapegrad.layers.io;

/** Element types of a weight file that tapegrad reads and writes; both little-endian IEEE 754. */
public enum DType {
    /** 64-bit double: exact. */
    F64(8),
    /** 32-bit float: written by rounding to nearest, read by exact widening to double. */
    F32(4);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The dtype named {@code name} in a safetensors header, or null when tapegrad does not support it. */
    static DType parse(String name) {
        for (DType d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }
}
