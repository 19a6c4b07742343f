package org.tapegrad.layers.io;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.tapegrad.layers.Theories.strings;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** One random damage to the bytes of a weight file. Positions are taken modulo the current length. */
sealed interface Corruption {

    byte[] apply(byte[] bytes);

    /** Keep only the first {@code keep mod length} bytes. */
    record Truncate(int keep) implements Corruption {
        public byte[] apply(byte[] bytes) {
            return bytes.length == 0 ? bytes.clone() : Arrays.copyOf(bytes, Math.floorMod(keep, bytes.length));
        }
    }

    /** XOR one byte with a non-zero mask. */
    record FlipByte(int position, int mask) implements Corruption {
        public byte[] apply(byte[] bytes) {
            byte[] copy = bytes.clone();
            if (copy.length > 0) {
                copy[Math.floorMod(position, copy.length)] ^= (byte) mask;
            }
            return copy;
        }
    }

    /** Overwrite the 8-byte header length (when the file has one). */
    record HeaderLength(long value) implements Corruption {
        public byte[] apply(byte[] bytes) {
            byte[] copy = bytes.clone();
            if (copy.length >= 8) {
                ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value);
            }
            return copy;
        }
    }

    /** Nudge the header length by a small amount, which keeps it plausible. */
    record HeaderLengthDelta(int delta) implements Corruption {
        public byte[] apply(byte[] bytes) {
            byte[] copy = bytes.clone();
            if (copy.length >= 8) {
                ByteBuffer b = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
                b.putLong(0, b.getLong(0) + delta);
            }
            return copy;
        }
    }

    /** Insert garbage at a point inside the header region, and fix up the header length to include it. */
    record SpliceIntoHeader(int position, byte[] garbage) implements Corruption {
        public byte[] apply(byte[] bytes) {
            if (bytes.length < 8) {
                return bytes.clone();
            }
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            long n = b.getLong(0);
            long headerEnd = 8 + Math.min(Math.max(n, 0), bytes.length - 8);
            int at = 8 + (int) Math.floorMod(position, headerEnd - 8 + 1);
            byte[] out = new byte[bytes.length + garbage.length];
            System.arraycopy(bytes, 0, out, 0, at);
            System.arraycopy(garbage, 0, out, at, garbage.length);
            System.arraycopy(bytes, at, out, at + garbage.length, bytes.length - at);
            ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n + garbage.length);
            return out;
        }

        @Override
        public String toString() {
            return "SpliceIntoHeader[" + position + ", " + new String(garbage, java.nio.charset.StandardCharsets.ISO_8859_1)
                    + "]";
        }
    }

    /** Each of the five kinds equally often. */
    static Gen<Corruption> any() {
        return Generate.oneOf(truncate(), flipByte(), headerLength(), headerLengthDelta(), spliceIntoHeader());
    }

    /**
     * The kinds that can change the file's structure ({@link Truncate}, {@link HeaderLength},
     * {@link HeaderLengthDelta}), each equally often: {@link #any()} restricted to them.
     */
    static Gen<Corruption> structural() {
        return Generate.oneOf(truncate(), headerLength(), headerLengthDelta());
    }

    private static Gen<Integer> position() {
        return integers().between(0, 100_000);
    }

    private static Gen<Corruption> truncate() {
        return position().map(Truncate::new);
    }

    private static Gen<Corruption> flipByte() {
        return position().zip(integers().between(1, 255), FlipByte::new);
    }

    private static Gen<Corruption> headerLength() {
        return Generate.oneOf(longs().all(), longs().between(-16, 400)).map(HeaderLength::new);
    }

    private static Gen<Corruption> headerLengthDelta() {
        return integers().between(-24, 24).assuming(d -> d != 0).map(HeaderLengthDelta::new);
    }

    private static Gen<Corruption> spliceIntoHeader() {
        Gen<byte[]> garbage = Generate.oneOf(
                strings("{}[]\":,0123456789-eE. \\ubF", 1, 12).map(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                Generate.byteArrays(integers().between(1, 12), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0)));
        return position().zip(garbage, SpliceIntoHeader::new);
    }
}
