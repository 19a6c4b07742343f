package org.tapegrad.layers.optim;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything an optimizer needs to continue exactly where it stopped, as data keyed by parameter <em>name</em> (the
 * optimizer itself keys by parameter object, which does not survive a restart): the optimizer's name, its current
 * learning rate (a schedule's position shows here), and per parameter its {@link SlotValues}. Parameters the
 * optimizer has not stepped yet are absent. Obtained by {@link Optimizer#state()}, applied by
 * {@link Optimizer#loadState}; {@code org.tapegrad.layers.io.TrainingCheckpoint} stores it in safetensors next to the
 * weights.
 *
 * @param optimizer    the optimizer's name, e.g. {@code "Adam"}; loading into another kind of optimizer is refused
 * @param learningRate finite and {@code > 0}
 * @param parameters   parameter name → its slots, sorted by name, unmodifiable
 */
public record OptimizerState(String optimizer, double learningRate, Map<String, SlotValues> parameters) {

    public OptimizerState {
        Objects.requireNonNull(optimizer, "optimizer");
        HyperParameters.positive(optimizer, "learningRate", learningRate);
        parameters = Collections.unmodifiableMap(new TreeMap<>(parameters));
    }
}
