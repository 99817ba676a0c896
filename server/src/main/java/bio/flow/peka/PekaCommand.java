package bio.flow.peka;

import bio.flow.config.Config;
import bio.flow.db.DataDirLock;
import bio.flow.db.Database;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code flow peka import DIR} loads a PEKA results folder ({@link PekaImport}) into the database of the data
 * directory; {@code flow peka example DIR} writes the synthetic example folder ({@link PekaExample}). Like
 * {@code flow verify}, an import takes the data directory's lock, so it refuses to run while a server uses the
 * directory.
 */
public final class PekaCommand {
    public static final int DONE = 0;
    /** A file of the folder is malformed: nothing was written. */
    public static final int MALFORMED = 1;
    public static final int USAGE = 2;
    /** The import could not run (the data directory in use, the database unreachable): nothing was written. */
    public static final int CANNOT_IMPORT = 3;

    private PekaCommand() {}

    /** Runs {@code flow peka <args>} and answers the exit status. */
    public static int run(Config config, String[] args, PrintStream out, PrintStream err) {
        if (args.length == 2 && args[0].equals("example")) {
            Path dir = Path.of(args[1]);
            PekaExample.write(dir);
            out.println("wrote a synthetic PEKA example to " + dir + "; load it with: flow peka import " + dir);
            return DONE;
        }
        if (args.length == 2 && args[0].equals("import")) return importFolder(config, Path.of(args[1]), out, err);
        err.println("usage: flow peka import DIR | flow peka example DIR");
        return USAGE;
    }

    private static int importFolder(Config config, Path dir, PrintStream out, PrintStream err) {
        DataDirLock lock;
        try {
            lock = DataDirLock.acquire(config.dataDir());
        } catch (DataDirLock.AlreadyInUseException e) {
            err.println("flow: a Flow server is running on data directory " + config.dataDir() + "; stop it first");
            return CANNOT_IMPORT;
        }
        try (lock; Database database = Database.open(config)) {
            PekaImport.Summary s = new PekaImport(database.jdbi()).load(dir);
            out.printf("imported %s: %d entities, %d k-mer rows from %d distribution files, %d motif lines from %d BED files%n",
                    dir, s.entities(), s.kmerRows(), s.distributionFiles(), s.motifLines(), s.bedFiles());
            return DONE;
        } catch (PekaImport.MalformedException e) {
            err.println("flow: nothing imported: " + e.getMessage());
            return MALFORMED;
        } catch (RuntimeException e) {
            err.println("flow: cannot import: " + e.getMessage());
            return CANNOT_IMPORT;
        }
    }
}
