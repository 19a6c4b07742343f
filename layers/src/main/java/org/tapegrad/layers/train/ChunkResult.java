package org.tapegrad.layers.train;

import org.tapegrad.layers.cell.CellState;
import org.tapegrad.tape.Gradients;

/**
 * What the after-backward callback of truncated BPTT receives, before the tape is reset: the chunk (whose vars are
 * still valid), its loss value, and the gradients of that loss returned by {@code tape.backward(loss)}, with respect
 * to the chunk's outputs and final state (e.g. {@code gradients.of(chunk.outputs().get(t))}; the runner retains
 * those, other intermediates' gradients are released during the pass), the leaves of the recording and every parameter
 * (this chunk's contribution alone). The parameters' accumulated {@code grad()} at this point holds this chunk's
 * contribution added to whatever it held before: the runner never zeroes them, so an optimizer step that wants
 * per-chunk gradients zeroes them itself.
 *
 * @param gradients the chunk loss's gradients, valid until the runner resets the tape; null when the loss needed no
 *                  gradient (a constant, e.g. of an all-padding chunk), so backward did not run
 */
public record ChunkResult<S extends CellState>(Chunk<S> chunk, double loss, Gradients gradients) {

    /** Whether backward ran on this chunk's loss, i.e. {@link #gradients()} is not null. */
    public boolean backwardRan() {
        return gradients != null;
    }
}
