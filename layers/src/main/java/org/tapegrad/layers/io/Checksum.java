package org.tapegrad.layers.io;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The SHA-256 integrity check that tapegrad stores as the metadata entry {@value #KEY}. Safetensors itself
 * has no checksum, so without it a flipped byte in the data section is read back as a wrong weight. The digest covers
 * what the reader derives from the file: every tensor's name, dtype, shape and offsets (in data order), every other
 * metadata entry (sorted by key) and the raw data bytes — so a corruption anywhere is caught, not just in the data.
 * Files from other tools lack the entry (and every other {@code tapegrad.} entry) and are read unchecked; a file with any
 * {@code tapegrad.} entry but no digest is rejected, since tapegrad never writes one without the other.
 */
final class Checksum {

    /** The metadata key holding the lower-case hex digest. */
    static final String KEY = "tapegrad.sha256";
    /** Every metadata key tapegrad writes starts with this; a file with such a key is tapegrad's and must have its digest. */
    static final String PREFIX = "tapegrad.";
    /** Written with every checksum, so that a file whose checksum entry was renamed away still reads as tapegrad's. */
    static final String WRITER_KEY = "tapegrad.writer";
    static final String WRITER = "tapegrad";

    private final MessageDigest digest;

    Checksum(List<TensorEntry> entriesInDataOrder, Map<String, String> metadata) {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
        for (TensorEntry e : entriesInDataOrder) {
            text(e.name());
            text(e.dtype().name());
            number(e.shape().length);
            for (int d : e.shape()) {
                number(d);
            }
            number(e.begin());
            number(e.end());
        }
        for (Map.Entry<String, String> m : new TreeMap<>(metadata).entrySet()) {
            if (!m.getKey().equals(KEY)) {
                text(m.getKey());
                text(m.getValue());
            }
        }
    }

    /** Adds the next bytes of the data section (position to limit; the buffer's position is left unchanged). */
    void data(ByteBuffer bytes) {
        digest.update(bytes.duplicate());
    }

    String hex() {
        return HexFormat.of().formatHex(digest.digest());
    }

    private void text(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        number(utf8.length);
        digest.update(utf8);
    }

    private void number(long v) {
        for (int k = 0; k < 8; k++) {
            digest.update((byte) (v >>> (8 * k)));
        }
    }
}
