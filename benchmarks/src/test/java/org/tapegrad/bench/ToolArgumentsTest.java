package org.tapegrad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ToolArgumentsTest {

    @Test
    void readsSecondsCountsAndNames() {
        assertEquals(2.5, ToolArguments.seconds("--seconds", "2.5"));
        assertEquals(3, ToolArguments.atLeast("--rounds", "3", 1));
        assertEquals(List.of("gru", "lstm"), ToolArguments.names("--cells", "gru,lstm", List.of("lstm", "gru", "rnn")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "0", "-1", "NaN", "Infinity", "1e7"})
    void badSecondsNameTheOptionAndWhatIsExpected(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ToolArguments.seconds("--seconds", text));
        assertEquals("--seconds=" + text + ": expected a positive number of seconds", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x", "0", "1.5", "99999999999"})
    void badCountsNameTheOptionAndTheLeastValue(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ToolArguments.atLeast("--rounds", text, 1));
        assertEquals("--rounds=" + text + ": expected an integer of at least 1", e.getMessage());
    }

    @Test
    void anUnknownNameIsNamedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ToolArguments.names("--cells", "lstm,,gru", List.of("lstm", "gru")));
        assertEquals("--cells=lstm,,gru: unknown '', expected a comma-separated list of lstm, gru", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ToolArguments.names("--cells", "LSTM", List.of("lstm", "gru")));
        assertEquals("--cells=LSTM: unknown 'LSTM', expected a comma-separated list of lstm, gru", e.getMessage());
    }
}
