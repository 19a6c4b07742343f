package org.tapegrad.layers.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.tapegrad.layers.random.RandomState;

/**
 * What a training loop holds besides the weights and the optimizer, so that it can stop and continue as if it had
 * not: its counters (iteration, epoch, a schedule's position), the state of every random generator it draws from,
 * the recurrent states it carries from one truncated-BPTT chunk to the next, and the configuration that produced the
 * run (checked on resume). Saved with the weights and the optimizer state by
 * {@code org.tapegrad.layers.io.TrainingCheckpoint}.
 *
 * @param configuration option name → value as text, e.g. {@code hidden → 128}; unmodifiable, in insertion order
 * @param counters      counter name → value ≥ 0, e.g. {@code iteration → 3000}
 * @param randoms       generator name → its state
 * @param carried       stream name → the state carried into its next chunk (absent when it starts from zero)
 */
public record TrainingState(Map<String, String> configuration, Map<String, Long> counters, Map<String, RandomState> randoms,
        Map<String, CarriedState> carried) {

    public TrainingState {
        configuration = copy(configuration, "configuration");
        counters = copy(counters, "counters");
        randoms = copy(randoms, "randoms");
        carried = copy(carried, "carried");
        counters.forEach((name, value) -> {
            if (value < 0) {
                throw new IllegalArgumentException("training state: counter '" + name + "' is " + value + "; counters are ≥ 0");
            }
        });
    }

    /** A counter's value. @throws IllegalArgumentException naming the counter if it is absent */
    public long counter(String name) {
        Long value = counters.get(name);
        if (value == null) {
            throw new IllegalArgumentException("training state has no counter '" + name + "' (it has " + counters.keySet() + ")");
        }
        return value;
    }

    private static <V> Map<String, V> copy(Map<String, V> map, String what) {
        Objects.requireNonNull(map, what);
        Map<String, V> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(Objects.requireNonNull(k, what + " key"), Objects.requireNonNull(v, what + " value of '" + k + "'")));
        return Collections.unmodifiableMap(copy);
    }
}
