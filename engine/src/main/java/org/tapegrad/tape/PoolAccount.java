package org.tapegrad.tape;

/**
 * The bytes a tape's buffer pools have lent out now, and the most at once since the recording began: one account
 * shared by the pool of the tape's element type and the one of scratch buffers in the other type.
 */
final class PoolAccount {

    private long held;
    private long peak;

    void lent(long bytes) {
        held += bytes;
        if (held > peak) {
            peak = held;
        }
    }

    void returned(long bytes) {
        held -= bytes;
    }

    /** A new recording: the peak restarts from what is held (nothing, after every pool's release). */
    void restartPeak() {
        peak = held;
    }

    long held() {
        return held;
    }

    long peak() {
        return peak;
    }
}
