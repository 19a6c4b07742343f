package org.tapegrad.layers.train;

import org.tapegrad.layers.cell.CellState;
import org.tapegrad.tape.Var;

/** The loss of one chunk of truncated BPTT, recorded on the chunk's tape (e.g. a read-out layer and a sequence loss). */
@FunctionalInterface
public interface ChunkLoss<S extends CellState> {

    /**
     * @return a {@code 1×1} loss on {@code chunk.tape()}; the runner backpropagates it if it needs a gradient (a
     *         constant loss, e.g. of an all-padding chunk, is reported with {@code backwardRan() == false})
     */
    Var loss(Chunk<S> chunk);
}
