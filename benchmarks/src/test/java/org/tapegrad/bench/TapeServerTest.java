package org.tapegrad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class TapeServerTest {

    /** The server's answers to {@code lines}, one per request line, with no warm-up floor. */
    private static List<String> answers(String... lines) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            TapeServer.serve(new BufferedReader(new StringReader(String.join("\n", lines) + "\n")), out, 0);
        }
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void timesARowAndAnswersWithItsMedianAndCallCount() throws IOException {
        List<String> out = answers("rnn B2_T3_I2_H3 f32 1 0.01", "", "  rnn  B2_T3_I2_H3  f32  1  0.01  ");
        assertEquals(2, out.size(), out.toString());   // the blank line is no request
        for (String line : out) {
            String[] f = line.split(" ");
            assertEquals("ok", f[0], line);
            assertTrue(Double.parseDouble(f[1]) > 0 && Integer.parseInt(f[2]) >= 3, line);
        }
    }

    @Test
    void aBadRequestGetsAnErrorNamingWhatIsWrongAndTheServerGoesOn() throws IOException {
        List<String> out = answers(
                "lstm B2_T3_I2_H3 f64 1",
                "cnn B2_T3_I2_H3 f64 1 0.01",
                "lstm B2,T3 f64 1 0.01",
                "lstm B2_T3_I2_H3 f16 1 0.01",
                "lstm B2_T3_I2_H3 f64 0 0.01",
                "lstm B2_T3_I2_H3 f64 99 0.01",
                "lstm B2_T3_I2_H3 f64 1 soon",
                "gru B2_T3_I2_H3 f64 1 0.01");
        assertEquals(8, out.size(), out.toString());
        assertEquals("error expected 'cell B_T_I_H dtype threads seconds', got 'lstm B2_T3_I2_H3 f64 1'", out.get(0));
        assertEquals("error unknown cell 'cnn': expected lstm, gru, rnn", out.get(1));
        assertTrue(out.get(2).startsWith("error recurrent shape 'B2,T3': expected B<batch>_T<steps>_I<input>_H<hidden>"), out.get(2));
        assertTrue(out.get(3).startsWith("error ") && out.get(3).contains("f16"), out.get(3));
        assertEquals("error threads=0: expected an integer of at least 1", out.get(4));
        assertTrue(out.get(5).startsWith("error threads=99: expected 1 to "), out.get(5));
        assertEquals("error seconds=soon: expected a positive number of seconds", out.get(6));
        assertTrue(out.get(7).startsWith("ok "), out.get(7));
    }
}
