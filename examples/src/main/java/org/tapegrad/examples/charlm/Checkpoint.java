package org.tapegrad.examples.charlm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.tapegrad.examples.cli.UserInputException;
import org.tapegrad.examples.model.CellKind;
import org.tapegrad.layers.io.DType;
import org.tapegrad.layers.io.ModelWeights;
import org.tapegrad.layers.io.SafetensorsReader;

/**
 * A charlm checkpoint: the model's weights in a safetensors file (tensors named after the parameters, F64) and, in
 * the file's metadata, what is needed to rebuild the model and continue: cell, sizes, vocabulary (code points) and the
 * iteration reached. The optimizer's moment estimates are not saved: a resumed run restarts them, which costs a few
 * noisy steps, not correctness.
 *
 * @param cell LSTM or GRU
 * @param embedding E
 * @param hidden H
 * @param codePoints the vocabulary in index order
 * @param iteration training iterations done
 */
public record Checkpoint(CellKind cell, int embedding, int hidden, int[] codePoints, long iteration) {

    /** Writes the model and this description to {@code file} (atomically, by the layers' safetensors writer). */
    public void save(CharModel<?> model, Path file) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("tapegrad.example", "charlm");
        meta.put("cell", cell.toString());
        meta.put("embedding", Integer.toString(embedding));
        meta.put("hidden", Integer.toString(hidden));
        meta.put("vocabulary", Arrays.stream(codePoints).mapToObj(Integer::toString).collect(Collectors.joining(",")));
        meta.put("iteration", Long.toString(iteration));
        try {
            ModelWeights.save(model, file, DType.F64, meta);
        } catch (IOException e) {
            throw new UserInputException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the description of a checkpoint.
     *
     * @throws UserInputException if the file is missing, not safetensors, or not a charlm checkpoint
     */
    public static Checkpoint read(Path file) {
        Map<String, String> meta;
        try {
            meta = SafetensorsReader.create().read(file).metadata();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserInputException("checkpoint " + file + " does not exist");
        } catch (IOException e) {
            throw new UserInputException("checkpoint " + file + " cannot be read: " + e.getMessage(), e);
        }
        if (!"charlm".equals(meta.get("tapegrad.example"))) {
            throw new UserInputException("checkpoint " + file + " is not a charlm checkpoint (no 'tapegrad.example: charlm' in its metadata)");
        }
        try {
            int[] vocab = Arrays.stream(meta.get("vocabulary").split(",")).mapToInt(Integer::parseInt).toArray();
            return new Checkpoint(CellKind.valueOf(meta.get("cell").toUpperCase(java.util.Locale.ROOT)), Integer.parseInt(meta.get("embedding")),
                    Integer.parseInt(meta.get("hidden")), vocab, Long.parseLong(meta.get("iteration")));
        } catch (RuntimeException e) {
            throw new UserInputException("checkpoint " + file + " has malformed metadata: " + e.getMessage(), e);
        }
    }

    /** Loads the weights of {@code file} into {@code model}. */
    public static void loadWeights(CharModel<?> model, Path file) {
        try {
            ModelWeights.load(model, file);
        } catch (IOException e) {
            throw new UserInputException("checkpoint " + file + " does not fit the model: " + e.getMessage(), e);
        }
    }
}
