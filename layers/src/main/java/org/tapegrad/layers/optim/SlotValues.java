package org.tapegrad.layers.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The optimizer state of one parameter as plain data: named arrays (each with the parameter's number of elements, in
 * the parameter's storage order, as {@link org.tapegrad.tape.Parameter#update} hands them to the optimizer) and the
 * parameter's own step count. This is what {@link PerParameterOptimizer} saves and loads, so a user's optimizer gets
 * checkpoints by saying how its state maps to named arrays.
 *
 * @param arrays slot name → values, e.g. {@code "first"} and {@code "second"} moments of Adam; unmodifiable
 * @param steps  how many updates this parameter has received, at least 0
 */
public record SlotValues(Map<String, double[]> arrays, long steps) {

    public SlotValues {
        Objects.requireNonNull(arrays, "arrays");
        if (steps < 0) {
            throw new IllegalArgumentException("optimizer state: step count " + steps + " is negative");
        }
        arrays = Collections.unmodifiableMap(new LinkedHashMap<>(arrays));
    }

    /** Slots with the given step count; {@code namesAndArrays} alternates a {@code String} name and its {@code double[]}. */
    public static SlotValues of(long steps, Object... namesAndArrays) {
        Map<String, double[]> arrays = new LinkedHashMap<>();
        for (int k = 0; k + 1 < namesAndArrays.length; k += 2) {
            arrays.put((String) namesAndArrays[k], (double[]) namesAndArrays[k + 1]);
        }
        return new SlotValues(arrays, steps);
    }

    /**
     * The slot {@code name}, copied into {@code target}.
     *
     * @throws IllegalArgumentException naming the slot if it is absent or has another length than {@code target}
     */
    public void copyInto(String name, double[] target) {
        double[] values = arrays.get(name);
        if (values == null) {
            throw new IllegalArgumentException("optimizer state has no slot '" + name + "' (it has " + arrays.keySet() + ")");
        }
        if (values.length != target.length) {
            throw new IllegalArgumentException("optimizer state slot '" + name + "' has " + values.length + " elements, the parameter has "
                    + target.length);
        }
        System.arraycopy(values, 0, target, 0, values.length);
    }
}
