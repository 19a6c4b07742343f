package org.tapegrad.layers.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tapegrad.layers.HasParameters;
import org.tapegrad.op.DType;
import org.tapegrad.tape.Layout;
import org.tapegrad.tape.Parameter;

class ModelWeightsTest {

    @TempDir
    Path dir;

    private static HasParameters model(Parameter... ps) {
        List<Parameter> list = List.of(ps);
        return () -> list;
    }

    /** Element k of the storage order holds {@code start + k/3}. */
    private static Parameter param(String name, int rows, int cols, double start) {
        Parameter p = new Parameter(name, rows, cols);
        p.update((value, grad) -> {
            for (int i = 0; i < value.length; i++) {
                value[i] = start + i / 3.0;
            }
        });
        return p;
    }

    private static double[] values(Parameter p) {
        return Layout.toRowMajorFlat(p.value());
    }

    @Test
    void savesAndLoadsEveryParameterExactly() throws IOException {
        Path f = dir.resolve("m.safetensors");
        Parameter w = param("w", 3, 2, 0.1);
        Parameter b = param("b", 1, 2, -5);
        ModelWeights.save(model(w, b), f);
        Parameter w2 = new Parameter("w", 3, 2);
        Parameter b2 = new Parameter("b", 1, 2);
        ModelWeights.load(model(b2, w2), f);
        assertArrayEquals(values(w), values(w2));
        assertArrayEquals(values(b), values(b2));
        assertEquals(w.value().doubleValue(2, 1), w2.value().doubleValue(2, 1));
    }

    @Test
    void f32SaveRoundsToNearestFloat() throws IOException {
        Path f = dir.resolve("m32.safetensors");
        Parameter w = param("w", 2, 2, 0.1);
        ModelWeights.save(model(w), f, DType.F32, Map.of("epoch", "3"));
        Parameter w2 = new Parameter("w", 2, 2);
        ModelWeights.load(model(w2), f);
        double[] saved = values(w);
        double[] loaded = values(w2);
        for (int i = 0; i < 4; i++) {
            assertEquals((double) (float) saved[i], loaded[i]);
        }
        assertEquals("3", SafetensorsReader.create().read(f).metadata().get("epoch"));
    }

    /** A float32 model is saved as F32 by default and loads back bit for bit; the file's floats are the weights. */
    @Test
    void float32ModelSavesAsF32AndLoadsBackExactly() throws IOException {
        Path f = dir.resolve("m-f32.safetensors");
        Parameter w = param("w", 3, 2, 0.1).to(DType.F32);
        Parameter b = param("b", 1, 2, -5).to(DType.F32);
        ModelWeights.save(model(w, b), f);
        WeightTensor onDisk = SafetensorsReader.create().read(f).tensors().get("w");
        assertEquals(DType.F32, onDisk.dtype());
        assertEquals(WeightTensor.ofFloat32(w.value()), onDisk);
        Parameter w2 = new Parameter("w", new org.tapegrad.op.Shape(3, 2), DType.F32);
        Parameter b2 = new Parameter("b", 1, 2).to(DType.F32);
        ModelWeights.load(model(b2, w2), f);
        assertArrayEquals(values(w), values(w2));
        assertArrayEquals(values(b), values(b2));
        assertEquals(DType.F32, w2.dtype());
    }

    @Test
    void oneDimensionalTensorLoadsIntoRowVector() throws IOException {
        Path f = dir.resolve("bias.safetensors");
        SafetensorsWriter.create().write(f, WeightFile.of(Map.of("b", WeightTensor.vector(1, 2, 3))));
        Parameter b = new Parameter("b", 1, 3);
        ModelWeights.load(model(b), f);
        assertArrayEquals(new double[] {1, 2, 3}, values(b));
        WeightFileException e = assertThrows(WeightFileException.class,
                () -> ModelWeights.load(model(new Parameter("b", 3, 1)), f));
        assertTrue(e.getMessage().contains("[3]"), e.getMessage());
    }

    @Test
    void missingTensorIsNamedAndNothingIsLoaded() throws IOException {
        Path f = dir.resolve("m.safetensors");
        ModelWeights.save(model(param("w", 2, 2, 1)), f);
        Parameter w = new Parameter("w", 2, 2);
        Parameter u = new Parameter("u", 1, 4);
        WeightFileException e = assertThrows(WeightFileException.class, () -> ModelWeights.load(model(w, u), f));
        assertTrue(e.getMessage().contains("missing tensor 'u'"), e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertArrayEquals(new double[4], values(w), "all or nothing");
    }

    @Test
    void shapeMismatchIsNamed() throws IOException {
        Path f = dir.resolve("m.safetensors");
        ModelWeights.save(model(param("w", 2, 3, 1)), f);
        WeightFileException e = assertThrows(WeightFileException.class,
                () -> ModelWeights.load(model(new Parameter("w", 3, 2)), f));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3×2]"), e.getMessage());
    }

    @Test
    void extraTensorsAreRejectedUnlessIgnored() throws IOException {
        Path f = dir.resolve("m.safetensors");
        Map<String, WeightTensor> tensors = new LinkedHashMap<>();
        tensors.put("w", WeightTensor.of(new double[][] {{7}}));
        tensors.put("optimizer.step", WeightTensor.vector(12));
        SafetensorsWriter.create().write(f, WeightFile.of(tensors));
        Parameter w = new Parameter("w", 1, 1);
        WeightFileException e = assertThrows(WeightFileException.class, () -> ModelWeights.load(model(w), f));
        assertTrue(e.getMessage().contains("'optimizer.step'"), e.getMessage());
        assertEquals(0, w.value().doubleValue(0, 0));
        ModelWeights.load(model(w), f, ModelWeights.ExtraTensors.IGNORE);
        assertEquals(7, w.value().doubleValue(0, 0));
    }

    @Test
    void duplicateParameterNamesAreRejected() {
        Path f = dir.resolve("m.safetensors");
        assertThrows(IllegalArgumentException.class,
                () -> ModelWeights.save(model(new Parameter("w", 1, 1), new Parameter("w", 1, 1)), f));
    }
}
