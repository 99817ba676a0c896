package bio.flow.storage;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Folders and files that only Flow's own OS user may read: the data directory and the database, secrets and
 * mails in it. Modes are given at creation (0700 folders, 0600 files) and set again explicitly, never left to
 * the umask, so that a permissive umask (002, 000) does not open them to the other accounts of the machine.
 * On a file system without POSIX modes (Windows) they are left as the system makes them.
 */
public final class PrivateFiles {
    public static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private PrivateFiles() {}

    /** Creates the folder (and its missing parents) owner-only, and makes an existing one owner-only too. */
    public static Path folder(Path dir) throws IOException {
        Files.createDirectories(dir, attributes(FOLDER));
        restrict(dir, FOLDER);
        return dir;
    }

    /** Writes the file owner-only and atomically: a reader (or a crash) sees the whole content or nothing. */
    public static void write(Path file, String content) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName() + ".", ".tmp", attributes(FILE));
        try {
            Files.writeString(tmp, content);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The attributes that create a file or folder with these modes (the umask can only take bits away). */
    public static FileAttribute<?>[] attributes(Set<PosixFilePermission> modes) {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(modes)} : new FileAttribute<?>[0];
    }

    /** Sets the modes whatever the umask was, for what someone else (or an older Flow) created. */
    public static void restrict(Path path, Set<PosixFilePermission> modes) throws IOException {
        if (POSIX) Files.setPosixFilePermissions(path, modes);
    }
}
