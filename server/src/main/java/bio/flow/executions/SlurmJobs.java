package bio.flow.executions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SLURM jobs a run left behind. Nextflow cancels its jobs itself when it stops (SIGTERM: {@code scancel}), but a
 * Nextflow that was killed, or whose worker died, cannot: its jobs stay queued or running. They are found as the local
 * executor's stray tasks are, by where they run: every task's job works in its own folder under the run's work folder
 * (Nextflow submits it with {@code sbatch -D <task dir>}), which {@code squeue} tells ({@code %Z}).
 */
final class SlurmJobs {
    private static final Logger log = LoggerFactory.getLogger(SlurmJobs.class);
    private static final long COMMAND_SECONDS = 30;

    private SlurmJobs() {}

    /** Cancels the jobs working under {@code work}; what goes wrong is logged, never thrown (the caller goes on cleaning). */
    static void cancelUnder(Path work) {
        try {
            List<String> ids = new ArrayList<>();
            for (String line : run(List.of("squeue", "-h", "-o", "%i|%Z")).lines().toList()) {
                int bar = line.indexOf('|');
                if (bar > 0 && Path.of(line.substring(bar + 1).strip()).startsWith(work)) ids.add(line.substring(0, bar).strip());
            }
            if (ids.isEmpty()) return;
            List<String> scancel = new ArrayList<>(List.of("scancel"));
            scancel.addAll(ids);
            run(scancel);
            log.info("canceled SLURM jobs {} left in {}", ids, work);
        } catch (IOException e) {
            log.warn("cannot cancel the SLURM jobs left in {}: {}", work, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(command.get(0) + " did not answer within " + COMMAND_SECONDS + " s");
        }
        if (p.exitValue() != 0) throw new IOException(String.join(" ", command) + " exited with " + p.exitValue() + ": " + out.strip());
        return out;
    }
}
