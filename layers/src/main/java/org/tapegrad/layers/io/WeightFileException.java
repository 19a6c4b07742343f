package org.tapegrad.layers.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A weight file is malformed, does not fit the model it is loaded into, or could not be read; the message names the
 * file and says what is wrong.
 */
public final class WeightFileException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public WeightFileException(Path file, String problem) {
        super("weight file " + file + ": " + problem);
        this.file = file;
    }

    public WeightFileException(Path file, String problem, Throwable cause) {
        super("weight file " + file + ": " + problem, cause);
        this.file = file;
    }

    /** The file concerned. */
    public Path file() {
        return file;
    }
}
