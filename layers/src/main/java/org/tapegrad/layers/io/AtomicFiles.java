package org.tapegrad.layers.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Replaces a file atomically: the contents go to a temporary file in the same directory, are forced to disk, and the
 * temporary file is then moved over the target with {@code ATOMIC_MOVE} (falling back to {@code REPLACE_EXISTING}
 * where the file system cannot). A reader therefore sees the old file or the complete new one, never a partial one;
 * after a crash (a {@code kill -9} mid-write) a stray {@code .<name>.<random>.tmp} file is left, and the next write of
 * the same target removes it. One writer per target is assumed: a second process writing the same file at the same
 * time could have its temporary file removed and would then fail, never leave a partial target.
 */
final class AtomicFiles {

    interface Contents {
        void writeTo(FileChannel channel) throws IOException;
    }

    private AtomicFiles() {
    }

    static void write(Path target, Contents contents) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        removeStaleTemporaries(directory, absolute.getFileName().toString());
        Path temporary = Files.createTempFile(directory, "." + absolute.getFileName() + ".", ".tmp");
        boolean moved = false;
        try {
            keepPermissions(absolute, temporary);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                contents.writeTo(channel);
                channel.force(true);
            }
            try {
                Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
            syncDirectory(directory);
        } finally {
            if (!moved) {
                Files.deleteIfExists(temporary);
            }
        }
    }

    /** Deletes the temporary files earlier, interrupted writes of {@code name} left behind. */
    static void removeStaleTemporaries(Path directory, String name) throws IOException {
        String prefix = "." + name + ".";
        try (java.nio.file.DirectoryStream<Path> stale = Files.newDirectoryStream(directory,
                p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(".tmp"))) {
            for (Path p : stale) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Temporary files are created owner-only; give the result the old file's permissions, or rw-r--r--. */
    private static void keepPermissions(Path target, Path temporary) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(temporary, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        if (Files.exists(target)) {
            view.setPermissions(Files.getPosixFilePermissions(target));
        } else {
            view.setPermissions(PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    /** Makes the rename itself durable where the platform allows opening a directory (Linux); best effort. */
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not supported on this platform (e.g. Windows): the file itself is already on disk.
        }
    }
}
