package org.tapegrad.layers.io;

import org.tapegrad.op.DType;


/**
 * One tensor's line of a safetensors header: where its bytes lie in the data section ({@code [begin, end)},
 * relative to the start of the data section) and how to read them.
 */
record TensorEntry(String name, DType dtype, int[] shape, long begin, long end) {

    /** Elements, the product of the dimensions (validated to fit an int by the parser). */
    int elements() {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
