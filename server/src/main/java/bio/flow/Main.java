package bio.flow;

import bio.flow.config.Config;
import bio.flow.data.Verifier;
import bio.flow.db.Claims;
import bio.flow.db.DataDirLock;
import bio.flow.db.Database;
import bio.flow.http.ApiException;
import bio.flow.peka.PekaCommand;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code java -jar flow-server.jar serve}: starts Flow with the configuration of the environment (see the
 * README's table) and stops it cleanly on SIGTERM or Ctrl-C. The routes are listed in {@link App}.
 * {@code java -jar flow-server.jar worker}: runs executions without serving the API ({@link App#startWorker}).
 * {@code java -jar flow-server.jar verify}: verifies the stored files of the data directory ({@link #verify}).
 * {@code java -jar flow-server.jar peka import|example DIR}: PEKA results ({@link PekaCommand}).
 */
public final class Main {
    /** Exit statuses of {@code verify}. */
    public static final int VERIFIED = 0;
    public static final int MISSING_OR_CORRUPT = 1;
    public static final int USAGE = 2;
    public static final int CANNOT_VERIFY = 3;

    private Main() {}

    public static void main(String[] args) {
        String command = args.length == 0 ? "serve" : args[0];
        switch (command) {
            case "serve" -> serve();
            case "worker" -> worker();
            case "verify" -> System.exit(verify(Config.load(), System.out, System.err));
            case "peka" -> System.exit(PekaCommand.run(Config.load(), java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
            default -> {
                System.err.println("usage: flow serve | flow worker | flow verify | flow peka import DIR | flow peka example DIR");
                System.exit(USAGE);
            }
        }
    }

    private static void serve() {
        App app;
        try {
            app = App.start(Config.load());
        } catch (RuntimeException | Error e) {
            cannotStart(e); // App.start closed whatever it had opened (the HTTP server too)
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "flow-shutdown"));
        System.out.println("Flow is listening on " + app.baseUrl() + " (API docs at " + app.baseUrl() + "/docs)");
    }

    private static void worker() {
        Config config;
        App.Worker worker;
        try {
            config = Config.load();
            worker = App.startWorker(config);
        } catch (RuntimeException | Error e) {
            cannotStart(e);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "flow-shutdown"));
        System.out.println("Flow worker " + worker.workers().id() + " runs up to " + config.workers() + " executions at once, in "
                + config.workDir() + " (no HTTP)");
        // The workers' threads are daemons: this thread keeps the JVM up until SIGTERM runs the shutdown hook.
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Says why Flow did not start, and never stays half-alive. */
    private static void cannotStart(Throwable e) {
        boolean explained = e instanceof DataDirLock.AlreadyInUseException || e instanceof Config.ConfigException
                || e instanceof ApiException; // a setting refused, such as a too short FLOW_ADMIN_PASSWORD
        if (!explained) e.printStackTrace();
        System.err.println("flow: " + (explained ? "" : "cannot start: ") + e.getMessage());
        System.exit(1);
    }

    /**
     * Verifies every stored data file against its record, as {@code POST /admin/storage/verify} does, on this thread,
     * prints the report and answers the exit status: {@link #VERIFIED} (orphaned files alone do not fail it),
     * {@link #MISSING_OR_CORRUPT}, or {@link #CANNOT_VERIFY}. It takes the data directory's lock, so it refuses to run
     * while a server uses the directory (that server verifies through the endpoint instead) and no server starts
     * while it runs.
     */
    public static int verify(Config config, PrintStream out, PrintStream err) {
        if (!Files.isDirectory(config.dataDir())) {
            err.println("flow: there is no data directory at " + config.dataDir() + " (set FLOW_DATA_DIR)");
            return CANNOT_VERIFY;
        }
        DataDirLock lock;
        try {
            lock = DataDirLock.acquire(config.dataDir());
        } catch (DataDirLock.AlreadyInUseException e) {
            err.println("flow: a Flow server is running on data directory " + config.dataDir() + "; stop it first, or have it verify "
                    + "its storage with POST /admin/storage/verify (as an administrator)");
            return CANNOT_VERIFY;
        }
        try (lock; Database database = Database.open(config);
             Claims claims = new Claims(database.jdbi(), Duration.ofSeconds(config.workerLeaseSeconds()), config.workerHost());
             Verifier verifier = new Verifier(database.jdbi(), App.storage(config), config.verifyMaxMbPerSecond(), claims)) {
            Optional<Verifier.Run> done = verifier.runNow();
            if (done.isEmpty()) {
                err.println("flow: another storage verification is running on this database");
                return CANNOT_VERIFY;
            }
            return report(done.get(), out, err);
        } catch (RuntimeException e) {
            err.println("flow: cannot verify: " + e.getMessage());
            return CANNOT_VERIFY;
        }
    }

    private static int report(Verifier.Run run, PrintStream out, PrintStream err) {
        out.printf(Locale.ROOT, "storage verification %d %s in %.1f s: %d of %d files checked (%.1f MiB)%n", run.id(), run.status(),
                run.duration_ms() / 1000.0, run.checked(), run.total(), run.checked_bytes() / 1048576.0);
        run.missing().forEach(p -> out.println("missing   data " + p.id() + ": " + p.reason()));
        run.corrupt().forEach(p -> out.println("corrupt   data " + p.id() + ": " + p.reason()));
        run.orphaned().forEach(o -> out.println("orphaned  " + o.key() + " (" + o.size() + " bytes, no record names it)"));
        out.printf("%d missing, %d corrupt, %d orphaned%n", run.missing().size(), run.corrupt().size(), run.orphaned().size());
        if (!run.status().equals("finished")) {
            err.println("flow: the verification did not finish (" + run.status() + (run.error() == null ? "" : ": " + run.error()) + ")");
            return CANNOT_VERIFY;
        }
        return run.clean() ? VERIFIED : MISSING_OR_CORRUPT;
    }
}
