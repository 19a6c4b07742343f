package org.tapegrad.examples.charlm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tapegrad.examples.cli.UserInputException;

/** Corpus, vocabulary and temperature sampling. */
class CorpusTest {

    @TempDir
    Path dir;

    @Test
    void generatedTextIsDeterministicAndClosesWhatItOpens() {
        String a = GeneratedCorpus.generate(5_000, 7);
        assertEquals(a, GeneratedCorpus.generate(5_000, 7));
        assertTrue(a.length() >= 5_000);
        assertEquals(a.chars().filter(c -> c == '(').count(), a.chars().filter(c -> c == ')').count());
        assertEquals(0, a.chars().filter(c -> c == '"').count() % 2);
    }

    @Test
    void validationIsTheHeldOutTail() throws IOException {
        String text = "héllo wörld, ".repeat(20);
        Path f = Files.writeString(dir.resolve("t.txt"), text);
        Corpus c = Corpus.read(f, 0.25, 10);
        int n = text.codePointCount(0, text.length());
        assertEquals(n, c.train().length + c.valid().length);
        assertEquals(Math.round(n * 0.25), c.valid().length);
        assertEquals(text.substring(text.length() - c.valid().length), c.vocabulary().decode(c.valid()));
        assertEquals(10, c.vocabulary().size(), "h é l o space w ö r d comma");
    }

    @Test
    void vocabularyRoundTrips() {
        Vocabulary v = Vocabulary.of("abcabc€");
        assertArrayEquals(new int[] {0, 1, 2, 3}, v.encode("abc€"));
        assertEquals("€cba", v.decode(new int[] {3, 2, 1, 0}));
        assertEquals(-1, v.indexOf('z'));
        assertThrows(IllegalArgumentException.class, () -> v.encode("z"));
    }

    @Test
    void badTextFilesAreReported() throws IOException {
        UserInputException missing = assertThrows(UserInputException.class, () -> Corpus.read(dir.resolve("none.txt"), 0.1, 10));
        assertTrue(missing.getMessage().contains("does not exist"));
        Path latin1 = Files.write(dir.resolve("l.txt"), new byte[] {'a', (byte) 0xE9, 'b'});
        UserInputException notUtf8 = assertThrows(UserInputException.class, () -> Corpus.read(latin1, 0.1, 1));
        assertTrue(notUtf8.getMessage().contains("not valid UTF-8"), notUtf8.getMessage());
        Path tiny = Files.writeString(dir.resolve("s.txt"), "abc");
        UserInputException tooShort = assertThrows(UserInputException.class, () -> Corpus.read(tiny, 0.1, 10));
        assertTrue(tooShort.getMessage().contains("too short"), tooShort.getMessage());
    }

    @Test
    void temperatureSharpensAndFlattens() {
        double[] logits = {2.0, 1.0, 0.0};
        double[] p1 = new TemperatureSampler(1.0, new Random(0)).probabilities(logits);
        double z = Math.exp(2) + Math.exp(1) + 1;
        assertArrayEquals(new double[] {Math.exp(2) / z, Math.exp(1) / z, 1 / z}, p1, 1e-12);
        assertTrue(new TemperatureSampler(0.1, new Random(0)).probabilities(logits)[0] > 0.9999);
        double[] hot = new TemperatureSampler(100, new Random(0)).probabilities(logits);
        assertEquals(1.0 / 3, hot[2], 0.01);
        // Frequencies of 30 000 draws at τ = 1 match the probabilities (3 standard errors ≈ 0.008).
        TemperatureSampler s = new TemperatureSampler(1.0, new Random(3));
        int[] counts = new int[3];
        for (int i = 0; i < 30_000; i++) {
            counts[s.sample(logits)]++;
        }
        for (int k = 0; k < 3; k++) {
            assertEquals(p1[k], counts[k] / 30_000.0, 0.01);
        }
        assertThrows(IllegalArgumentException.class, () -> new TemperatureSampler(0, new Random()));
    }
}
