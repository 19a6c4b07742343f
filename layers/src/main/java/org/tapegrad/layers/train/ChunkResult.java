package org.tapegrad.layers.train;

import org.tapegrad.layers.cell.CellState;

/**
 * What the after-backward callback of truncated BPTT receives, before the tape is reset: the chunk (whose vars are
 * still valid, so gradients of intermediates can be read), its loss value, and whether backward ran. The
 * parameters' gradients at this point hold this chunk's contribution added to whatever they held before: the
 * runner never zeroes them, so an optimizer step that wants per-chunk gradients zeroes them itself.
 */
public record ChunkResult<S extends CellState>(Chunk<S> chunk, double loss, boolean backwardRan) {
}
