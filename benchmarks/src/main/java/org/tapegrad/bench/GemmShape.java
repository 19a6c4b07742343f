package org.tapegrad.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A product for {@link GemmPeakRatio}, written {@code MxKxN}, then optionally {@code :AtB} ({@code Aᵀ·B}, A stored
 * {@code K×M}) or {@code :ABt} ({@code A·Bᵀ}), then optionally {@code +} (C accumulated, {@code C += …}, as a weight
 * gradient is): for example {@code 512x64x2048:AtB+}.
 */
record GemmShape(int m, int k, int n, boolean transA, boolean transB, boolean accumulate) {

    /** Each dimension 1 to 9999: a product of 10⁴ × 10⁴ doubles would not fit a default heap anyway. */
    private static final Pattern FORMAT = Pattern.compile("([1-9]\\d{0,3})x([1-9]\\d{0,3})x([1-9]\\d{0,3})(:AtB|:ABt)?(\\+)?");

    static GemmShape parse(String text) {
        Matcher f = FORMAT.matcher(text);
        if (!f.matches()) {
            throw new IllegalArgumentException("shape '" + text
                    + "': expected MxKxN (each 1 to 9999), optionally :AtB or :ABt, optionally + (accumulate), e.g. 512x64x2048:AtB+");
        }
        String transpose = f.group(4);
        return new GemmShape(Integer.parseInt(f.group(1)), Integer.parseInt(f.group(2)), Integer.parseInt(f.group(3)),
                ":AtB".equals(transpose), ":ABt".equals(transpose), f.group(5) != null);
    }

    /** Floating-point operations of one product: {@code 2·m·n·k}. */
    double flops() {
        return 2.0 * m * n * k;
    }
}
