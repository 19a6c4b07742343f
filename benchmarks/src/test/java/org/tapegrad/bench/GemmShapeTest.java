package org.tapegrad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GemmShapeTest {

    @Test
    void readsDimensionsTransposeAndAccumulate() {
        assertEquals(new GemmShape(512, 512, 512, false, false, false), GemmShape.parse("512x512x512"));
        assertEquals(new GemmShape(512, 64, 2048, true, false, true), GemmShape.parse("512x64x2048:AtB+"));
        assertEquals(new GemmShape(32, 512, 192, false, true, false), GemmShape.parse("32x512x192:ABt"));
        assertEquals(2.0 * 32 * 192 * 512, GemmShape.parse("32x192x512").flops());
    }

    @ParameterizedTest
    @ValueSource(strings = {"512x512", "0x4x4", "4x-4x4", "4x4x4:XYZ", "4x4x4:AtB:ABt", "4x4x4++", "axbxc", "99999x4x4", "4x4x4 "})
    void aMalformedShapeNamesItselfAndTheExpectedForm(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GemmShape.parse(text));
        assertTrue(e.getMessage().startsWith("shape '" + text + "': expected MxKxN"), e.getMessage());
    }
}
