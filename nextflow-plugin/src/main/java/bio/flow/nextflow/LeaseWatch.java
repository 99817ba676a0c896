package bio.flow.nextflow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Stops this Nextflow when the Flow worker running it no longer holds the run: the worker writes into the lease file
 * (named by {@value #LEASE_FILE}) the time, in epoch ms of this host's clock, until which it may let Nextflow go on,
 * and moves it forward at each renewal of its lease in the database. A worker that died (SIGKILL), hangs, or lost the
 * database moves it no further: once the time passed, this Nextflow records a {@code lease_lost} event and stops
 * itself as on SIGTERM (its tasks aborted, SLURM jobs canceled); what is left after {@link #GRACE_MS} is killed. The
 * worker writes a time half a lease ahead, so that Nextflow is gone before another worker may take the run over.
 */
final class LeaseWatch implements Runnable {
    static final String LEASE_FILE = "FLOW_LEASE_FILE";
    private static final long CHECK_MS = 500;
    private static final long GRACE_MS = 10_000;

    private final Path file;
    private final Runnable lost;
    private long deadline = Long.MAX_VALUE;

    private LeaseWatch(Path file, Runnable lost) {
        this.file = file;
        this.lost = lost;
    }

    /** Watches the lease file named by the environment, if any; {@code lost} records the event. */
    static void start(Runnable lost) {
        String file = System.getenv(LEASE_FILE);
        if (file == null || file.isBlank()) return;
        Thread t = new Thread(new LeaseWatch(Path.of(file), lost), "flow-lease-watch");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void run() {
        try {
            while (true) {
                try {
                    deadline = Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).strip());
                } catch (IOException | NumberFormatException e) {
                    // being replaced, or unreadable for a moment: the last time read holds
                }
                if (System.currentTimeMillis() > deadline) break;
                Thread.sleep(CHECK_MS);
            }
            System.err.println("flow-plugin: the Flow worker running this Nextflow no longer holds it (lease file " + file
                    + " not renewed): stopping");
            lost.run();
            ProcessHandle self = ProcessHandle.current();
            new ProcessBuilder("kill", "-TERM", Long.toString(self.pid())).inheritIO().start();
            Thread.sleep(GRACE_MS);
            self.descendants().forEach(ProcessHandle::destroyForcibly);
            Runtime.getRuntime().halt(143);
        } catch (IOException e) {
            // no kill command: stop hard, tasks first
            ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
            Runtime.getRuntime().halt(143);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
