package org.tapegrad.layers.optim;

/** A gradient holds NaN or ±∞ where a finite value is needed; names the parameter and the element. */
public final class NonFiniteGradientException extends ArithmeticException {

    private static final long serialVersionUID = 1L;

    private final String parameterName;

    NonFiniteGradientException(String parameterName, int row, int col, double value, String during) {
        super("gradient of parameter '" + parameterName + "' is " + value + " at (" + row + ", " + col + ") during "
                + during + "; the loss or an op produced a non-finite value");
        this.parameterName = parameterName;
    }

    /** The name of the first parameter found with a non-finite gradient element. */
    public String parameterName() {
        return parameterName;
    }
}
