package org.tapegrad.layers;

import java.util.List;

import org.tapegrad.tape.Parameter;

/** Anything that owns trainable parameters: a cell, a linear layer, a stack of layers, a whole model. */
public interface HasParameters {

    /** The parameters, in a stable order, with unique names. */
    List<Parameter> parameters();
}
