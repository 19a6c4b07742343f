package org.tapegrad.examples.charlm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.tapegrad.examples.cli.UserInputException;

/**
 * A text for character-level language modelling, split into a training head and a held-out validation tail (the
 * tail, not a random sample, so no validation sentence was seen during training).
 *
 * @param name where it came from, for printing
 * @param vocabulary every character of the whole text
 * @param train indices of the training characters
 * @param valid indices of the held-out tail
 */
public record Corpus(String name, Vocabulary vocabulary, int[] train, int[] valid) {

    /** Characters of the generated default text. */
    public static final int DEFAULT_CHARS = 200_000;

    /** The generated default text (no download needed). */
    public static Corpus generated(double validFraction) {
        return split("generated corpus (" + DEFAULT_CHARS + " characters, seed 7)", GeneratedCorpus.generate(DEFAULT_CHARS, 7), validFraction, 0);
    }

    /**
     * A UTF-8 text file.
     *
     * @param minChars the least number of characters each part must have (a training window needs that many)
     * @throws UserInputException if the file is missing, unreadable, not UTF-8 or too short
     */
    public static Corpus read(Path file, double validFraction, int minChars) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UserInputException("text file " + file + " does not exist");
        } catch (IOException e) {
            throw new UserInputException("cannot read text file " + file + ": " + e.getMessage(), e);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new UserInputException("text file " + file + " is not valid UTF-8 text");
        }
        return split("text file " + file, text, validFraction, minChars);
    }

    private static Corpus split(String name, String text, double validFraction, int minChars) {
        Vocabulary v = Vocabulary.of(text);
        int[] all = v.encode(text);
        int validLength = (int) Math.round(all.length * validFraction);
        int trainLength = all.length - validLength;
        if (trainLength < Math.max(minChars, 2) || validLength < Math.max(minChars, 2)) {
            throw new UserInputException(name + " is too short: " + all.length + " characters, but training and validation need at least "
                    + Math.max(minChars, 2) + " each (with " + Math.round(validFraction * 100) + "% held out)");
        }
        int[] train = java.util.Arrays.copyOfRange(all, 0, trainLength);
        int[] valid = java.util.Arrays.copyOfRange(all, trainLength, all.length);
        return new Corpus(name, v, train, valid);
    }
}
