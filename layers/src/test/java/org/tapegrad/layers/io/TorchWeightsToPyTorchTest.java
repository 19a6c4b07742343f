package org.tapegrad.layers.io;

import org.tapegrad.layers.net.RecurrentNetwork;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import com.google.gson.Gson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tapegrad.op.DType;

/**
 * tapegrad networks saved by {@link TorchWeights} load into PyTorch's own {@code nn.RNN}/{@code nn.LSTM}/{@code nn.GRU}
 * with {@code load_state_dict(strict=True)} (every name and shape checked by PyTorch) and give tapegrad's outputs to
 * 1e-10. Runs {@code parity/check_from_java.py} with {@code /usr/bin/python3}; skipped where that or {@code torch}
 * is missing.
 */
class TorchWeightsToPyTorchTest {

    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final double TOLERANCE = 1e-10;
    static final int T = 4, B = 2, I = 3, H = 5;

    /** A network to save, as the script's case JSON names it. */
    record Case(String name, String kind, int layers, boolean bidirectional, String prefix, DType dtype) {
    }

    static final class PythonResult {
        String torch_version;
        Map<String, double[][][]> outputs;
    }

    @Test
    void pyTorchLoadsSavedNetworksAndComputesTheSameOutputs(@TempDir Path dir) throws Exception {
        assumeTrue(pythonHasTorch(PYTHON), "/usr/bin/python3 with torch is not available; skipping the PyTorch check");
        List<Case> cases = List.of(
                new Case("rnn_relu", "rnn_relu", 1, false, "", DType.F64),
                new Case("lstm_stack2", "lstm", 2, false, "", DType.F64),
                new Case("gru_bidirectional", "gru", 1, true, "", DType.F64),
                new Case("lstm_2layer_bidirectional_prefixed", "lstm", 2, true, "lstm.", DType.F64),
                new Case("gru_stack2_f32", "gru", 2, false, "", DType.F32));
        double[][][] x = input(new Random(5));
        Map<String, double[][][]> expected = new LinkedHashMap<>();
        List<Map<String, Object>> json = new ArrayList<>();
        long seed = 1;
        for (Case c : cases) {
            RecurrentNetwork network = TorchModels.network(c.kind(), c.layers(), c.bidirectional(), I, H, seed);
            TorchModels.randomize(network, seed++);
            Path file = dir.resolve(c.name() + ".safetensors");
            TorchWeights.save(file, network, c.dtype(), c.prefix());
            if (c.dtype() == DType.F32) {
                // PyTorch will run on the float-rounded weights; so must the reference.
                network = TorchModels.network(c.kind(), c.layers(), c.bidirectional(), I, H, 1000 + seed);
                TorchWeights.load(file, network, c.prefix());
            }
            expected.put(c.name(), TorchModels.run(network, x));
            json.add(Map.of("name", c.name(), "file", file.toString(), "kind", c.kind(), "layers", c.layers(),
                    "bidirectional", c.bidirectional(), "input_size", I, "hidden_size", H, "prefix", c.prefix(), "x", x));
        }
        Path spec = dir.resolve("cases.json");
        Files.writeString(spec, new Gson().toJson(Map.of("cases", json)), StandardCharsets.UTF_8);

        PythonResult result = new Gson().fromJson(runScript(spec, dir), PythonResult.class);
        assertEquals(expected.keySet(), result.outputs.keySet());
        for (Case c : cases) {
            double diff = TorchModels.maxDiff(expected.get(c.name()), result.outputs.get(c.name()));
            System.out.printf("to PyTorch %s %-36s %s max |tapegrad − PyTorch| = %.3e%n", result.torch_version, c.name(), c.dtype(), diff);
            assertTrue(diff <= TOLERANCE, c.name() + ": max difference " + diff + " > " + TOLERANCE);
        }
    }

    static double[][][] input(Random random) {
        double[][][] x = new double[T][B][I];
        for (double[][] step : x) {
            for (double[] row : step) {
                for (int i = 0; i < I; i++) {
                    row[i] = random.nextGaussian();
                }
            }
        }
        return x;
    }

    private static String runScript(Path spec, Path dir) throws Exception {
        Path script = TorchWeightsFromPyTorchTest.parityResource("check_from_java.py");
        Path stdout = dir.resolve("stdout.json");
        Path stderr = dir.resolve("stderr.txt");
        Process process = new ProcessBuilder(PYTHON.toString(), script.toString(), spec.toString())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("check_from_java.py did not finish within 180 s");
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("check_from_java.py failed (exit " + process.exitValue() + "):\n" + Files.readString(stderr));
        }
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    @Test
    void aMissingInterpreterMeansSkippingNotFailing(@TempDir Path dir) {
        assertFalse(pythonHasTorch(dir.resolve("no-such-python")));
    }

    /** Whether {@code python -c "import torch, numpy"} succeeds within a minute. */
    static boolean pythonHasTorch(Path python) {
        if (!Files.isExecutable(python)) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(python.toString(), "-c", "import torch, numpy")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
