package org.tapegrad.layers.train;

import java.util.List;

import org.tapegrad.layers.cell.CellState;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * One forward chunk of truncated BPTT, as recorded on {@code tape}: global steps {@code [start, start + length)}.
 * Steps {@code recordedFrom..length−1} (chunk-local) are on the tape with gradient; the earlier ones ran without
 * recording, so their outputs are constants. Every var here is valid until the runner resets the tape, i.e. during
 * the loss function and the after-backward callback only.
 *
 * @param tape         the tape of this chunk
 * @param index        0 for the first chunk
 * @param start        global index of the chunk's first step
 * @param length       number of steps n (k1, or fewer for the last chunk)
 * @param recordedFrom chunk-local index of the first step of the backward window, {@code n − min(k2, n)}
 * @param outputs      {@code h_t} ({@code B×H}) of every step of the chunk, chunk-local order
 * @param finalState   the state after the chunk's last step (carried to the next chunk)
 */
public record Chunk<S extends CellState>(Tape tape, int index, int start, int length, int recordedFrom, List<Var> outputs, S finalState) {

    /** The outputs of the backward window only, the steps that can pass gradient into the cell. */
    public List<Var> recordedOutputs() {
        return outputs.subList(recordedFrom, length);
    }
}
