package org.tapegrad.fuse;

/** The step uses something the rewriter cannot fuse; the message names it. The step then runs unfused. */
public final class NotFusableException extends Exception {

    private static final long serialVersionUID = 1L;

    NotFusableException(String message) {
        super(message);
    }
}
