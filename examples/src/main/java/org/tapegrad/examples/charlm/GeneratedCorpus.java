package org.tapegrad.examples.charlm;

import java.util.Random;

/**
 * The default text of {@code charlm}, generated so that the example needs no download: English-like sentences from a
 * small grammar, deterministic for a seed. It has what a character model can learn at several ranges: spelling
 * (short range), subject–verb agreement across an adjective or a relative clause (medium range), and parentheses and
 * quotation marks that must be closed several words later (longer range).
 */
public final class GeneratedCorpus {

    private static final String[] ADJECTIVES = {"old", "small", "quiet", "brown", "clever", "tired", "happy", "grey"};
    private static final String[][] NOUNS = {
        {"dog", "dogs"}, {"cat", "cats"}, {"fox", "foxes"}, {"bird", "birds"}, {"child", "children"},
        {"farmer", "farmers"}, {"horse", "horses"}, {"sailor", "sailors"},
    };
    private static final String[][] VERBS = {
        {"sees", "see"}, {"chases", "chase"}, {"watches", "watch"}, {"follows", "follow"}, {"hears", "hear"},
        {"finds", "find"},
    };
    private static final String[] PLACES = {"near the river", "in the garden", "under the old bridge", "by the sea",
        "on the hill", "at the market"};
    private static final String[] SPEECH = {"look at that", "where is it going", "it is late", "come home now",
        "what a day"};

    private GeneratedCorpus() {
    }

    /** About {@code chars} characters of text (whole sentences; at least one). */
    public static String generate(int chars, long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder(chars + 200);
        int sentencesInParagraph = 0;
        while (sb.length() < chars) {
            sentence(sb, r);
            if (++sentencesInParagraph >= 4 + r.nextInt(4)) {
                sb.append("\n\n");
                sentencesInParagraph = 0;
            } else {
                sb.append(' ');
            }
        }
        return sb.toString();
    }

    private static void sentence(StringBuilder sb, Random r) {
        int start = sb.length();
        int kind = r.nextInt(10);
        if (kind < 2) {
            sb.append('"').append(pick(SPEECH, r)).append(kind == 0 ? "!" : ",").append("\" said the ")
                    .append(pick(NOUNS, r)[0]).append('.');
        } else {
            boolean plural = r.nextBoolean();
            nounPhrase(sb, r, plural);
            if (r.nextInt(4) == 0) {
                // A relative clause between subject and verb: agreement must be remembered across it.
                boolean innerPlural = r.nextBoolean();
                sb.append(" that ");
                nounPhrase(sb, r, innerPlural);
                sb.append(' ').append(pick(VERBS, r)[innerPlural ? 1 : 0]);
            }
            sb.append(' ').append(pick(VERBS, r)[plural ? 1 : 0]).append(' ');
            nounPhrase(sb, r, r.nextBoolean());
            if (r.nextInt(3) == 0) {
                sb.append(" (").append(pick(PLACES, r)).append(')');
            } else if (r.nextBoolean()) {
                sb.append(' ').append(pick(PLACES, r));
            }
            sb.append('.');
        }
        sb.setCharAt(start, Character.toUpperCase(sb.charAt(start)));
    }

    private static void nounPhrase(StringBuilder sb, Random r, boolean plural) {
        sb.append(plural ? "the" : r.nextBoolean() ? "the" : "a");
        if (r.nextBoolean()) {
            sb.append(' ').append(pick(ADJECTIVES, r));
        }
        sb.append(' ').append(pick(NOUNS, r)[plural ? 1 : 0]);
    }

    private static <T> T pick(T[] options, Random r) {
        return options[r.nextInt(options.length)];
    }
}
