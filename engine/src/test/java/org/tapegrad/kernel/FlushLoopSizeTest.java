package org.tapegrad.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;

import org.junit.jupiter.api.Test;

/**
 * The vector loops of {@code flushTiny} stay larger than C2's {@code FreqInlineSize} (325 bytes of bytecode), so that
 * C2 compiles each on its own and never inlines it into a caller. Inlined into the gradient pass's {@code flushTiny}
 * together with the double loop, the float loop's lane reinterpretation ({@code viewAsFloatingLanes}) was left out
 * of line in about one JVM in five of the layers suite on AMD Zen 5 (JDK 17.0.15): the Vector API's Java fallback then
 * allocated 8.6 MB per float32 LSTM step at B = 64, H = 512 for the JVM's whole life ({@code WarmStepAllocationTest}
 * caught it, JFR's allocation samples named the loop). Measured with javap, so that a later edit that shrinks a loop
 * below the limit fails here at once instead of in one JVM in five.
 */
class FlushLoopSizeTest {

    /** HotSpot's default {@code -XX:FreqInlineSize}: a hot callee with more bytecode than this is not inlined. */
    private static final int FREQ_INLINE_SIZE = 325;

    @Test
    void bothFlushLoopsAreTooLargeToBeInlined() throws Exception {
        Optional<ToolProvider> javap = ToolProvider.findFirst("javap");
        assumeTrue(javap.isPresent(), "javap is not in this runtime");
        Path classes = Path.of(VectorActivations.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        StringWriter out = new StringWriter();
        int rc = javap.get().run(new PrintWriter(out), new PrintWriter(new StringWriter()), "-c", "-p", "-cp", classes.toString(),
                VectorActivations.class.getName());
        assertEquals(0, rc, "javap failed");
        List<Integer> sizes = methodSizes(out.toString(), "flushVectors");
        assertEquals(2, sizes.size(), "expected the double and the float flushVectors, found " + sizes.size());
        for (int size : sizes) {
            assertTrue(size > FREQ_INLINE_SIZE, "a flushVectors loop has " + size + " bytes of bytecode, at most FreqInlineSize ("
                    + FREQ_INLINE_SIZE + "): C2 may inline it into its callers, where the float loop ran the boxed fallback");
        }
    }

    /** Bytecode length of every method named {@code name} in javap -c output, at least: the offset of its last instruction plus one. */
    static List<Integer> methodSizes(String javapOutput, String name) {
        List<Integer> sizes = new ArrayList<>();
        Pattern header = Pattern.compile("^\\s+\\S.*\\s" + Pattern.quote(name) + "\\(.*\\);$");
        Pattern instruction = Pattern.compile("^\\s+(\\d+): (\\w+)");
        int last = -1;
        boolean inside = false;
        for (String line : javapOutput.split("\n")) {
            if (header.matcher(line).matches()) {
                inside = true;
                last = -1;
                continue;
            }
            if (!inside) {
                continue;
            }
            Matcher m = instruction.matcher(line);
            if (m.find()) {
                last = Integer.parseInt(m.group(1));
            } else if (line.isBlank() || line.trim().equals("}")) {
                if (last >= 0) {
                    sizes.add(last + 1);   // a lower bound: the last instruction is at least one byte long
                }
                inside = false;
            }
        }
        return sizes;
    }
}
