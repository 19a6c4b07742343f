package org.tapegrad.examples.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file so that it is either absent, or complete: the bytes go to a hidden temporary file in the same folder
 * (same file system, so the rename is atomic) which is then moved over the target. An interrupted run therefore never
 * leaves a half-written CSV or PNG that looks finished; the hidden {@code .<name>.<random>.part} file a killed run leaves
 * behind is removed by the next write of the same file.
 */
public final class AtomicFiles {

    /** What produces the file's bytes. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Writes {@code target} atomically.
     *
     * @return {@code target}
     * @throws UncheckedIOException naming the file when it cannot be written (the temporary file is removed)
     */
    public static Path write(Path target, Writer writer) {
        Path folder = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            removeStale(folder, target.getFileName().toString());
            tmp = Files.createTempFile(folder, "." + target.getFileName() + ".", ".part");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
                writer.writeTo(out);
            }
            readableByAll(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException(new IOException("cannot write " + target + ": " + e.getMessage(), e));
        } catch (RuntimeException | Error e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    /** Writes a UTF-8 text file atomically. */
    public static Path writeString(Path target, String text) {
        return write(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static void removeStale(Path folder, String name) throws IOException {
        String prefix = "." + name + ".";
        try (java.nio.file.DirectoryStream<Path> stale = Files.newDirectoryStream(folder,
                p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(".part"))) {
            for (Path p : stale) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Temporary files are created owner-only (0600); results are ordinary files (0644) like any other output. */
    private static void readableByAll(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows and other non-POSIX file systems: the default permissions are already the usual ones.
        }
    }

    private static void deleteQuietly(Path tmp) {
        if (tmp != null) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // Best effort: the hidden .part name already marks it as unfinished.
            }
        }
    }
}
