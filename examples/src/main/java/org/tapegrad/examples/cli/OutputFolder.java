package org.tapegrad.examples.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import picocli.CommandLine.Option;

/**
 * The {@code --out DIR} option shared by every subcommand (a picocli mixin), and the check that the folder can be
 * written before any work starts: a demo that trains for a minute and then cannot save is a poor demo.
 */
public final class OutputFolder {

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "tapegrad-out",
            description = "Folder for CSV, PNG and JSON results (created if absent; default: ${DEFAULT-VALUE}).")
    private Path dir;

    /** Sets the folder programmatically (used when one command runs another, as the tour does). */
    public OutputFolder use(Path folder) {
        this.dir = folder;
        return this;
    }

    public Path dir() {
        return dir;
    }

    /**
     * Creates the folder if needed and proves it writable by creating and deleting a file in it.
     *
     * @throws UserInputException naming the folder and the reason when it cannot be written
     */
    public Path prepare() {
        Path folder = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(folder);
            Path probe = Files.createTempFile(folder, ".tapegrad-probe-", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            String reason = e instanceof IOException io ? ErrorReporting.describe(io) : e.getMessage();
            throw new UserInputException("output folder " + dir + " is not writable (" + reason + ")", e);
        }
        return folder;
    }
}
