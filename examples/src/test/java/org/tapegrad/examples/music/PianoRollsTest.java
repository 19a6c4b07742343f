package org.tapegrad.examples.music;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tapegrad.examples.cli.UserInputException;

/** Reading piano rolls and the independent-Bernoulli baseline. */
class PianoRollsTest {

    /** Where the shared evaluation data lives when this runs inside the project's workspace. */
    static final Path JSB = Path.of("../../shared/data/jsb-chorales-quarter.json");

    @TempDir
    Path dir;

    @Test
    void readsNotesIntoEightyEightKeyRows() throws IOException {
        Path f = Files.writeString(dir.resolve("m.json"), "{\"train\":[[[60,64],[],[21,108]]],\"valid\":[[[60]]],\"test\":[[[67],[67]]]}");
        PianoRolls rolls = PianoRolls.load(f);
        double[][] s = rolls.train().get(0);
        assertEquals(3, s.length);
        assertEquals(88, s[0].length);
        assertEquals(1.0, s[0][60 - 21]);
        assertEquals(1.0, s[0][64 - 21]);
        assertEquals(2.0, java.util.Arrays.stream(s[0]).sum());
        assertEquals(0.0, java.util.Arrays.stream(s[1]).sum());
        assertEquals(1.0, s[2][0]);
        assertEquals(1.0, s[2][87]);
        assertEquals(2, PianoRolls.steps(rolls.test()));
    }

    @Test
    void baselineIsTheLaplaceSmoothedFrequencyAndItsNll() {
        // Pitch 60 sounds in 3 of 4 training steps: p = (3+1)/(4+2); every other pitch p = 1/6.
        double[][] seq = new double[4][88];
        for (int t = 0; t < 3; t++) {
            seq[t][60 - 21] = 1;
        }
        BernoulliBaseline b = BernoulliBaseline.fit(List.<double[][]>of(seq));
        assertEquals(4.0 / 6.0, b.probability(60 - 21), 1e-15);
        assertEquals(1.0 / 6.0, b.probability(0), 1e-15);
        double[][] one = new double[1][88];
        one[0][60 - 21] = 1;
        double expected = -Math.log(4.0 / 6.0) - 87 * Math.log(5.0 / 6.0);
        assertEquals(expected, b.nllPerStep(List.<double[][]>of(one)), 1e-12);
    }

    @Test
    void jsbBaselineMatchesThePublishedFigure() {
        assumeTrue(Files.isReadable(JSB), "shared JSB data not present");
        PianoRolls rolls = PianoRolls.load(JSB);
        assertEquals(229, rolls.train().size());
        assertEquals(76, rolls.valid().size());
        assertEquals(77, rolls.test().size());
        BernoulliBaseline b = BernoulliBaseline.fit(rolls.train());
        assertEquals(11.06, b.nllPerStep(rolls.test()), 0.005);
    }

    @Test
    void badFilesAreNamedWithTheirProblem() throws IOException {
        assertMessage(dir.resolve("absent.json"), "does not exist");
        assertMessage(Files.writeString(dir.resolve("a.json"), "{\"train\": [[[60]]"), "is not valid JSON");
        assertMessage(Files.writeString(dir.resolve("b.json"), "[1,2]"), "expected a JSON object");
        assertMessage(Files.writeString(dir.resolve("c.json"), "{\"train\":[[[60]]],\"valid\":[[[60]]]}"), "\"test\"");
        assertMessage(Files.writeString(dir.resolve("d.json"), "{\"train\":[[[60]]],\"valid\":[[[60]]],\"test\":[[[12]]]}"), "test sequence 0 step 0: note 12");
        assertMessage(Files.writeString(dir.resolve("e.json"), "{\"train\":[[[60.5]]],\"valid\":[[[60]]],\"test\":[[[60]]]}"), "note 60.5");
        assertMessage(Files.writeString(dir.resolve("f.json"), "{\"train\":[[]],\"valid\":[[[60]]],\"test\":[[[60]]]}"), "train sequence 0");
    }

    private static void assertMessage(Path f, String expected) {
        UserInputException e = assertThrows(UserInputException.class, () -> PianoRolls.load(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
