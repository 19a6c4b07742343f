package org.tapegrad.layers.cell;

import java.util.Random;

import org.tapegrad.layers.init.Initializer;
import org.tapegrad.op.ShapeException;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Var;

/** Creation and validation helpers shared by the built-in cells. */
final class CellParameters {

    private CellParameters() {
    }

    static void checkSizes(String name, int inputSize, int hiddenSize) {
        if (inputSize < 1 || hiddenSize < 1) {
            throw new IllegalArgumentException(name + ": input size and hidden size must be at least 1, got I=" + inputSize + ", H=" + hiddenSize);
        }
    }

    /** A {@code rows×cols} parameter uniform in {@code [−bound, bound]}, drawn from {@code random}. */
    static Parameter uniform(String name, int rows, int cols, double bound, Random random) {
        Parameter p = new Parameter(name, rows, cols);
        Initializer.uniform(bound).initialize(p, random);
        return p;
    }

    /**
     * Rejects a step input that is not {@code B×I} for the batch B of the state {@code h}: without this check a
     * {@code 1×I} input would silently broadcast over the batch.
     */
    static void checkStepInput(String cell, Var x, int inputSize, Var h) {
        if (x.cols() != inputSize || x.rows() != h.rows()) {
            throw new ShapeException(cell + ".step: input is " + x.shape() + ", expected " + h.rows() + "×" + inputSize
                    + " (batch of the state × input size)");
        }
    }
}
