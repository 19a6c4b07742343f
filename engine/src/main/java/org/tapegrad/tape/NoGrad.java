package org.tapegrad.tape;

/**
 * A scope opened by {@link Tape#noGrad()}: until it is closed, ops still compute but record nothing for backward.
 * Use with try-with-resources; closing twice is harmless.
 */
public final class NoGrad implements AutoCloseable {

    private final Tape tape;
    private boolean open = true;

    NoGrad(Tape tape) {
        this.tape = tape;
        tape.noGradDepth++;
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            tape.noGradDepth--;
        }
    }
}
