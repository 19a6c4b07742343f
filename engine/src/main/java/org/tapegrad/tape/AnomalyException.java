package org.tapegrad.tape;

/**
 * Thrown in anomaly mode ({@link Tape#setAnomalyDetection(boolean)}) by the first op whose output, or whose
 * vector-Jacobian product, contains NaN or ±Inf. The message names the op, its input shapes and the call site
 * that recorded it.
 */
public final class AnomalyException extends ArithmeticException {

    private static final long serialVersionUID = 1L;

    public AnomalyException(String message) {
        super(message);
    }
}
