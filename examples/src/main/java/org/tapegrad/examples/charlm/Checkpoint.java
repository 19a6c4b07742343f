package org.tapegrad.examples.charlm;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.tapegrad.examples.cli.UserInputException;
import org.tapegrad.layers.io.TrainingCheckpoint;
import org.tapegrad.layers.io.WeightFileException;
import org.tapegrad.layers.optim.Optimizer;
import org.tapegrad.layers.train.CarriedState;
import org.tapegrad.layers.train.TrainingState;

/**
 * A charlm checkpoint: a {@link TrainingCheckpoint} holding the weights, the optimizer's moments and step counts, the
 * state carried from the last chunk into the next one of every training stream, the iteration reached, and the
 * configuration of the run (the options that define it, the vocabulary, a digest of the training text). Training
 * draws no random numbers (the streams are read in order), so there is no generator state to keep; sampling at the
 * end uses its own generator from {@code --seed}.
 *
 * @param configuration option name without {@code --} → value, plus {@code vocabulary} and {@code text}
 * @param iteration     training iterations done
 * @param carried       the state entering the next iteration, null at the start of a pass over the streams
 */
public record Checkpoint(Map<String, String> configuration, long iteration, CarriedState carried) {

    static final String EXAMPLE = "example";
    private static final String STREAMS = "train";

    /** Writes {@code model}, {@code optimizer}'s state and this record to {@code file} atomically. */
    public void save(CharModel<?> model, Optimizer optimizer, Path file) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put(EXAMPLE, "charlm");
        config.putAll(configuration);
        TrainingState state = new TrainingState(config, Map.of("iteration", iteration), Map.of(),
                carried == null ? Map.of() : Map.of(STREAMS, carried));
        try {
            TrainingCheckpoint.write(file, model, optimizer, state);
        } catch (IOException e) {
            throw new UserInputException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /** A checkpoint read and verified, not yet applied to a model. */
    public record Loaded(Checkpoint checkpoint, TrainingCheckpoint file) {

        /** Loads weights and optimizer state. @throws UserInputException if they do not fit the model built from the configuration */
        public void restore(CharModel<?> model, Optimizer optimizer) {
            try {
                file.restore(model, optimizer);
            } catch (WeightFileException e) {
                throw new UserInputException("checkpoint " + file.file() + " does not fit the model: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Reads a checkpoint, verifying its checksum and its metadata (the iteration a whole number ≥ 0).
     *
     * @throws UserInputException if the file is missing, not a verified tapegrad checkpoint, or not charlm's
     */
    public static Loaded read(Path file) {
        TrainingCheckpoint read;
        try {
            read = TrainingCheckpoint.read(file);
        } catch (NoSuchFileException e) {
            throw new UserInputException("checkpoint " + file + " does not exist");
        } catch (WeightFileException e) {
            throw new UserInputException(e.getMessage().startsWith("weight file") ? "checkpoint" + e.getMessage().substring("weight file".length())
                    : e.getMessage(), e);
        } catch (IOException e) {
            throw new UserInputException("checkpoint " + file + " cannot be read: " + e.getMessage(), e);
        }
        TrainingState state = read.state();
        if (!"charlm".equals(state.configuration().get(EXAMPLE))) {
            throw new UserInputException("checkpoint " + file + " is not a charlm checkpoint (its configuration has no 'example: charlm')");
        }
        if (!state.counters().containsKey("iteration")) {
            throw new UserInputException("checkpoint " + file + " has no iteration counter in its metadata");
        }
        Map<String, String> config = new LinkedHashMap<>(state.configuration());
        config.remove(EXAMPLE);
        return new Loaded(new Checkpoint(config, state.counter("iteration"), state.carried().get(STREAMS)), read);
    }

    /** The vocabulary's code points as the configuration holds them. */
    static String vocabulary(int[] codePoints) {
        return Arrays.stream(codePoints).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }
}
