package org.tapegrad.layers.io;

import org.tapegrad.layers.net.RecurrentNetwork;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.google.gson.Gson;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Networks trained in PyTorch 1.13 and saved as {@code state_dict()} safetensors by
 * {@code parity/make_safetensors.py} load through {@link TorchWeights} and reproduce PyTorch's outputs on the fixed
 * input: to 1e-10 for F64 files (PyTorch ran in double), to 1e-6 for the F32 file (PyTorch ran in float, tapegrad in
 * double on the same float weights).
 */
class TorchWeightsFromPyTorchTest {

    /** One model of {@code from_torch/torch_models.json}. */
    static final class Model {
        String name;
        String file;
        String dtype;
        String kind;
        int layers;
        boolean bidirectional;
        int input_size;
        int hidden_size;
        String prefix;
        double[][][] x;
        double[][][] output;
    }

    static final class Fixture {
        String torch_version;
        List<Model> models;
    }

    static Path fixture(String name) {
        return parityResource("from_torch/" + name);
    }

    /** A file under the test resources' {@code parity/} directory. */
    static Path parityResource(String relative) {
        java.net.URL url = TorchWeightsFromPyTorchTest.class.getResource("/parity/" + relative);
        if (url == null) {
            throw new IllegalStateException("test resource parity/" + relative + " is missing");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("test resource parity/" + relative + " is not a file: " + url, e);
        }
    }

    static Fixture models() throws Exception {
        try (Reader r = new InputStreamReader(TorchWeightsFromPyTorchTest.class.getResourceAsStream("/parity/from_torch/torch_models.json"),
                StandardCharsets.UTF_8)) {
            return new Gson().fromJson(r, Fixture.class);
        }
    }

    @TestFactory
    Stream<DynamicTest> pyTorchTrainedWeightsReproducePyTorchsOutputs() throws Exception {
        Fixture fixture = models();
        assertEquals(5, fixture.models.size());
        return fixture.models.stream().map(m -> DynamicTest.dynamicTest(m.name, () -> {
            RecurrentNetwork network = TorchModels.network(m.kind, m.layers, m.bidirectional, m.input_size, m.hidden_size, 99);
            TorchWeights.load(fixture(m.file), network, m.prefix);
            double[][][] ours = TorchModels.run(network, m.x);
            double diff = TorchModels.maxDiff(m.output, ours);
            double tolerance = m.dtype.equals("F32") ? 1e-6 : 1e-10;
            System.out.printf("from PyTorch %-28s %s max |tapegrad − PyTorch| = %.3e%n", m.name, m.dtype, diff);
            assertTrue(diff <= tolerance, m.name + ": max difference " + diff + " > " + tolerance);
        }));
    }
}
