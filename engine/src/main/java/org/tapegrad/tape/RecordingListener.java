package org.tapegrad.tape;

import org.tapegrad.op.Op;

/** Told of each op a {@link Tape} applies while installed ({@link Tape#listen}): the hook a step is traced with. */
@FunctionalInterface
public interface RecordingListener {

    /** {@code op} was applied to {@code inputs} (read only: do not modify the array) and produced {@code output}. */
    void recorded(Op<?> op, Var[] inputs, Var output);
}
