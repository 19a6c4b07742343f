package org.tapegrad.layers;

import java.util.List;

import org.tapegrad.op.DType;
import org.tapegrad.tape.Parameter;

/** Anything that owns trainable parameters: a cell, a linear layer, a stack of layers, a whole model. */
public interface HasParameters {

    /** The parameters, in a stable order, with unique names. */
    List<Parameter> parameters();

    /**
     * Converts every parameter to {@code dtype} in place ({@link Parameter#to}, like PyTorch's
     * {@code module.to(dtype)}): build and initialize the model as usual (the same seed gives the same weights,
     * rounded to float for {@link DType#F32}), convert it, then record it on tapes of that type
     * ({@code new Tape(dtype)}). Optimizers made before or after keep working: their state is double either way.
     */
    default void convertTo(DType dtype) {
        for (Parameter p : parameters()) {
            p.to(dtype);
        }
    }

    /**
     * The element type of the parameters: float64 for a model without any.
     *
     * @throws IllegalStateException naming two parameters of different types, for a model converted only in part
     */
    default DType dtype() {
        List<Parameter> ps = parameters();
        if (ps.isEmpty()) {
            return DType.F64;
        }
        DType first = ps.get(0).dtype();
        for (Parameter p : ps) {
            if (p.dtype() != first) {
                throw new IllegalStateException("model mixes element types: '" + ps.get(0).name() + "' is " + first.longName()
                        + ", '" + p.name() + "' is " + p.dtype().longName() + "; call convertTo(dtype) on the whole model");
            }
        }
        return first;
    }
}
