package org.tapegrad.examples.charlm;

import java.util.Arrays;
import java.util.TreeSet;

/** The distinct characters (Unicode code points) of a text, sorted, each with its index. */
public final class Vocabulary {

    private final int[] codePoints;

    private Vocabulary(int[] codePoints) {
        this.codePoints = codePoints;
    }

    /** The vocabulary of {@code text}. */
    public static Vocabulary of(String text) {
        TreeSet<Integer> set = new TreeSet<>();
        text.codePoints().forEach(set::add);
        return new Vocabulary(set.stream().mapToInt(Integer::intValue).toArray());
    }

    /** A vocabulary from its code points, in index order (as stored in a checkpoint). */
    public static Vocabulary ofCodePoints(int[] codePoints) {
        int[] sorted = codePoints.clone();
        Arrays.sort(sorted);
        if (!Arrays.equals(sorted, codePoints) || Arrays.stream(sorted).distinct().count() != sorted.length) {
            throw new IllegalArgumentException("vocabulary code points must be distinct and sorted");
        }
        return new Vocabulary(sorted);
    }

    public int size() {
        return codePoints.length;
    }

    /** The index of a code point, or −1 if it is not in the vocabulary. */
    public int indexOf(int codePoint) {
        int i = Arrays.binarySearch(codePoints, codePoint);
        return i >= 0 ? i : -1;
    }

    public int codePoint(int index) {
        return codePoints[index];
    }

    /** The code points in index order (a copy). */
    public int[] codePoints() {
        return codePoints.clone();
    }

    /**
     * The indices of the characters of {@code text}.
     *
     * @throws IllegalArgumentException naming the first character that is not in the vocabulary
     */
    public int[] encode(String text) {
        return text.codePoints().map(c -> {
            int i = indexOf(c);
            if (i < 0) {
                throw new IllegalArgumentException("character '" + new String(Character.toChars(c)) + "' (U+" + Integer.toHexString(c).toUpperCase() + ") is not in the vocabulary");
            }
            return i;
        }).toArray();
    }

    /** The text of a sequence of indices. */
    public String decode(int[] indices) {
        StringBuilder sb = new StringBuilder();
        for (int i : indices) {
            sb.appendCodePoint(codePoints[i]);
        }
        return sb.toString();
    }
}
