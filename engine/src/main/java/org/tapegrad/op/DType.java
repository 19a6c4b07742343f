package org.tapegrad.op;

import java.util.Locale;

/**
 * The element type of a tape and of the parameters recorded on it: {@link #F64} (double, the default) or
 * {@link #F32} (float, half the memory and twice the SIMD lanes). One tape holds one element type; constants and
 * inputs are rounded to it when they are copied onto the tape, parameters must already have it
 * ({@code parameter.to(DType.F32)}). Reductions (sums, norms, losses, softmax normalizers) accumulate in double in
 * both types.
 */
public enum DType {
    /** 64-bit IEEE doubles, stored in {@code R064Store}s. */
    F64("f64", 8),
    /** 32-bit IEEE floats, stored in {@code R032Store}s. */
    F32("f32", 4);

    private final String shortName;
    private final int bytes;

    DType(String shortName, int bytes) {
        this.shortName = shortName;
        this.bytes = bytes;
    }

    /** Bytes per element: 8 or 4. */
    public int bytes() {
        return bytes;
    }

    /** {@code "f64"} or {@code "f32"}, as the examples' {@code --dtype} option spells it. */
    public String shortName() {
        return shortName;
    }

    /** {@code "float64"} or {@code "float32"}, as error messages and PyTorch spell it. */
    public String longName() {
        return this == F64 ? "float64" : "float32";
    }

    /**
     * Parses {@code f32}, {@code float32}, {@code f64} or {@code float64} (any case).
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static DType parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "f32": case "float32": return F32;
            case "f64": case "float64": return F64;
            default: throw new IllegalArgumentException("dtype: unknown element type '" + text + "'; expected f32 or f64");
        }
    }
}
