package bio.flow.executions;

import bio.flow.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * A run's events file as Flow's Nextflow plugin writes it (one JSON object a line, see the plugin's EventsObserver),
 * read from where the worker stopped, and what its events mean for the execution: its tasks
 * ({@code process_executions}), its log, and its progress.
 *
 * <p>Progress: {@code floor(99 * finished / known)} over the tasks of the current launch, where known tasks are those
 * Nextflow has submitted (or reused, on -resume) so far and finished ones those completed, failed, aborted or reused;
 * it only ever rises (the larger of the stored and the computed value), stays at most 99 while the run goes on, and is
 * set to 100 when the execution completes.
 */
final class RunEvents {
    /** The trace file's columns, as {@link #crossCheck} reads them (written raw: times in epoch ms, durations in ms). */
    static final String TRACE_FIELDS = "task_id,hash,native_id,process,name,status,exit,workdir,start,complete,duration";

    /** At most how much of the file one {@link #read} takes in: a long run's file is read in several. */
    static final int READ_CHUNK_BYTES = 16 << 20;

    /** How much of a failed task's standard error the log keeps. */
    private static final int STDERR_TAIL_BYTES = 2000;

    private RunEvents() {}

    /** The whole lines after {@code offset}, and the offset after the last of them (a line being written waits). */
    record Batch(List<JsonNode> events, long end) {}

    static Batch read(Path file, long offset) throws IOException {
        if (!Files.exists(file)) return new Batch(List.of(), offset);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long length = f.length();
            if (length <= offset) return new Batch(List.of(), offset);
            byte[] bytes = new byte[(int) Math.min(length - offset, READ_CHUNK_BYTES)];
            f.seek(offset);
            f.readFully(bytes);
            int last = -1;
            for (int i = bytes.length - 1; i >= 0; i--) {
                if (bytes[i] == '\n') {
                    last = i;
                    break;
                }
            }
            if (last < 0) return new Batch(List.of(), offset);
            List<JsonNode> events = new ArrayList<>();
            for (String line : new String(bytes, 0, last, StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank()) continue;
                try {
                    events.add(Json.MAPPER.readTree(line));
                } catch (IOException e) {
                    // a line cut short by a killed Nextflow, followed by the next launch's first line: skipped
                }
            }
            return new Batch(events, offset + last + 1);
        }
    }

    /**
     * Everything in the file, for what is decided once per run (its session, its outcome, its published files): read
     * chunk after chunk to its end, since a large run's outcome is in its last line.
     */
    static List<JsonNode> all(Path file) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        long offset = 0;
        while (true) {
            Batch batch = read(file, offset);
            if (batch.end() == offset) return events;
            events.addAll(batch.events());
            offset = batch.end();
        }
    }

    /** The Nextflow session of the last launch that began: what {@code -resume} continues. */
    static Optional<String> session(List<JsonNode> events) {
        String session = null;
        for (JsonNode e : events) {
            if (e.path("event").asText().equals("flow_begin") && e.hasNonNull("session")) session = e.get("session").asText();
        }
        return Optional.ofNullable(session);
    }

    /**
     * Whether the last launch ended, and if so whether it succeeded (empty: it has not reported its end, or it was
     * stopped because its worker lost the run's lease: its end then says nothing of the pipeline, and the run is resumed).
     */
    static Optional<Boolean> outcome(List<JsonNode> events) {
        Boolean outcome = null;
        boolean leaseLost = false;
        for (JsonNode e : events) {
            switch (e.path("event").asText()) {
                case "flow_begin" -> {
                    outcome = null;
                    leaseLost = false;
                }
                case "lease_lost" -> leaseLost = true;
                case "flow_complete" -> outcome = leaseLost ? null : e.path("success").asBoolean(false);
                default -> { }
            }
        }
        return Optional.ofNullable(outcome);
    }

    /** Whether the last launch stopped itself because its worker lost the run's lease (see the plugin's LeaseWatch). */
    static boolean leaseLost(List<JsonNode> events) {
        boolean lost = false;
        for (JsonNode e : events) {
            switch (e.path("event").asText()) {
                case "flow_begin" -> lost = false;
                case "lease_lost" -> lost = true;
                default -> { }
            }
        }
        return lost;
    }

    /** Each published file and the process that made it, traced through the task work directory it was copied from. */
    static Map<Path, String> processOfPublishedFile(Handle h, long executionId, List<JsonNode> events) {
        Map<String, String> processOfWorkdir = new HashMap<>();
        h.createQuery("SELECT workdir, process FROM process_executions WHERE execution_id = :id AND workdir IS NOT NULL")
                .bind("id", executionId)
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(e -> processOfWorkdir.put(e.getKey(), e.getValue()));
        Map<Path, String> out = new HashMap<>();
        for (JsonNode e : events) {
            if (!e.path("event").asText().equals("file_published") || !e.hasNonNull("destination")) continue;
            Path source = e.hasNonNull("source") ? Path.of(e.get("source").asText()) : null;
            for (Path dir = source; dir != null; dir = dir.getParent()) {
                String process = processOfWorkdir.get(dir.toString());
                if (process != null) {
                    out.put(Path.of(e.get("destination").asText()), process);
                    break;
                }
            }
        }
        return out;
    }

    /**
     * The trace file against what the events said: a task the trace file shows finished but the events did not (an
     * event lost, say to a full disk) is recorded from its row, as its completion event would have been. Answers how
     * many tasks it recorded so.
     */
    static int crossCheck(Handle h, long executionId, int launch, Path trace) throws IOException {
        if (!Files.exists(trace)) return 0;
        List<String> lines = Files.readAllLines(trace, StandardCharsets.UTF_8);
        if (lines.isEmpty()) return 0;
        List<String> columns = List.of(lines.get(0).split("\t", -1));
        Map<Integer, String> recorded = new HashMap<>();
        h.createQuery("SELECT task_id, status FROM process_executions WHERE execution_id = :id AND launch = :launch")
                .bind("id", executionId).bind("launch", launch)
                .map((rs, ctx) -> Map.entry(rs.getInt(1), rs.getString(2)))
                .forEach(e -> recorded.put(e.getKey(), e.getValue()));
        int added = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] values = line.split("\t", -1);
            var event = Json.MAPPER.createObjectNode();
            for (int i = 0; i < Math.min(columns.size(), values.length); i++) {
                String v = values[i];
                if (v.isEmpty() || v.equals("-")) continue;
                String column = columns.get(i);
                if (List.of("task_id", "exit", "start", "complete", "duration").contains(column) && v.matches("-?\\d{1,18}")) {
                    event.put(column, Long.parseLong(v));
                } else {
                    event.put(column, v);
                }
            }
            if (!event.has("task_id") || !event.has("status")) continue;
            String status = event.get("status").asText();
            boolean cached = status.equals("CACHED");
            String known = recorded.get(event.get("task_id").asInt());
            if (known != null && List.of("completed", "failed", "aborted", "cached").contains(known)) continue;
            Instant time = event.has("complete") ? Instant.ofEpochMilli(event.get("complete").asLong()) : Instant.now();
            task(h, executionId, launch, event, cached ? "cached" : finishedStatus(event), time);
            added++;
        }
        return added;
    }

    /** Records the events of the execution's launch {@code launch}, then its progress. */
    static void apply(Handle h, long executionId, int launch, List<JsonNode> events) {
        for (JsonNode e : events) {
            Instant time = Instant.ofEpochMilli(e.path("time").asLong(System.currentTimeMillis()));
            switch (e.path("event").asText()) {
                case "flow_begin" -> log(h, executionId, time, null, "Nextflow began run " + e.path("run_name").asText()
                        + " (session " + e.path("session").asText() + ")");
                case "flow_error" -> log(h, executionId, time, null, "Nextflow reported an error and is stopping");
                case "lease_lost" -> log(h, executionId, time, null, "The worker running Nextflow stopped renewing its lease: "
                        + "Nextflow stops itself, and another worker resumes the run");
                case "flow_complete" -> log(h, executionId, time, null, e.path("success").asBoolean(false)
                        ? "Nextflow finished the run successfully" : "Nextflow finished the run unsuccessfully");
                case "task_submitted" -> task(h, executionId, launch, e, "submitted", time);
                case "task_started" -> task(h, executionId, launch, e, "running", time);
                case "task_cached" -> task(h, executionId, launch, e, "cached", time);
                case "task_completed" -> task(h, executionId, launch, e, finishedStatus(e), time);
                default -> { } // file_published: read once the run completed
            }
        }
        h.createUpdate("UPDATE executions SET progress = GREATEST(progress, (SELECT CASE WHEN count(*) = 0 THEN 0 ELSE "
                        + "99 * count(*) FILTER (WHERE status IN ('completed', 'failed', 'aborted', 'cached')) / count(*) END "
                        + "FROM process_executions WHERE execution_id = :id AND launch = :launch)) WHERE id = :id AND status = 'running'")
                .bind("id", executionId).bind("launch", launch).execute();
    }

    private static String finishedStatus(JsonNode e) {
        String status = e.path("status").asText("");
        if (status.equals("ABORTED")) return "aborted";
        if (status.equals("FAILED") || e.path("failed").asBoolean(false)) return "failed";
        if (e.has("exit") && e.get("exit").asInt() != 0) return "failed";
        return "completed";
    }

    private static void task(Handle h, long executionId, int launch, JsonNode e, String status, Instant time) {
        if (!e.hasNonNull("task_id")) return;
        String name = e.path("name").asText(e.path("process").asText("task"));
        Integer exit = e.hasNonNull("exit") ? e.get("exit").asInt() : null;
        h.createUpdate("INSERT INTO process_executions (execution_id, launch, task_id, process, name, status, exit_code, native_id, "
                        + "hash, workdir, started, finished, duration_ms) VALUES (:e, :launch, :task, :process, :name, :status, :exit, "
                        + ":native, :hash, :workdir, :started, :finished, :duration) "
                        + "ON CONFLICT (execution_id, launch, task_id) DO UPDATE SET "
                        // a finished task stays finished, whatever order the plugin's threads wrote in
                        + "status = CASE WHEN process_executions.status IN ('completed', 'failed', 'aborted', 'cached') "
                        + "THEN process_executions.status ELSE EXCLUDED.status END, "
                        + "exit_code = COALESCE(EXCLUDED.exit_code, process_executions.exit_code), "
                        + "native_id = COALESCE(EXCLUDED.native_id, process_executions.native_id), "
                        + "hash = COALESCE(EXCLUDED.hash, process_executions.hash), "
                        + "workdir = COALESCE(EXCLUDED.workdir, process_executions.workdir), "
                        + "started = COALESCE(EXCLUDED.started, process_executions.started), "
                        + "finished = COALESCE(EXCLUDED.finished, process_executions.finished), "
                        + "duration_ms = COALESCE(EXCLUDED.duration_ms, process_executions.duration_ms)")
                .bind("e", executionId).bind("launch", launch).bind("task", e.get("task_id").asInt())
                .bind("process", e.path("process").asText(name)).bind("name", name).bind("status", status).bind("exit", exit)
                .bind("native", text(e, "native_id")).bind("hash", text(e, "hash")).bind("workdir", text(e, "workdir"))
                .bind("started", timestamp(e, "start")).bind("finished", timestamp(e, "complete"))
                .bind("duration", e.hasNonNull("duration") ? e.get("duration").asLong() : null)
                .execute();
        String process = e.path("process").asText(null);
        switch (status) {
            case "submitted" -> log(h, executionId, time, process, "Task submitted: " + name);
            case "cached" -> log(h, executionId, time, process, "Task reused from an earlier launch (cached): " + name);
            case "completed" -> log(h, executionId, time, process, "Task completed: " + name + " (exit code " + (exit == null ? 0 : exit) + ")");
            case "aborted" -> log(h, executionId, time, process, "Task aborted: " + name);
            case "failed" -> {
                log(h, executionId, time, process, "Task failed: " + name + (exit == null ? "" : " with exit code " + exit));
                stderrTail(e).ifPresent(tail -> log(h, executionId, time, process, "Standard error of " + name + " (end):\n" + tail));
            }
            default -> { } // started: shown by the task's status, not worth a log line
        }
    }

    /** The end of the task's .command.err, from its work directory. */
    private static Optional<String> stderrTail(JsonNode e) {
        String workdir = text(e, "workdir");
        if (workdir == null) return Optional.empty();
        Path err = Path.of(workdir, ".command.err");
        try (RandomAccessFile f = new RandomAccessFile(err.toFile(), "r")) {
            long start = Math.max(0, f.length() - STDERR_TAIL_BYTES);
            byte[] bytes = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(bytes);
            String tail = new String(bytes, StandardCharsets.UTF_8).strip();
            return tail.isEmpty() ? Optional.empty() : Optional.of(tail);
        } catch (IOException ex) {
            return Optional.empty();
        }
    }

    static void log(Handle h, long executionId, Instant time, String process, String message) {
        h.createUpdate("INSERT INTO execution_logs (execution_id, time, process, message) VALUES (:e, :time, :process, :message)")
                .bind("e", executionId).bind("time", Timestamp.from(time)).bind("process", process).bind("message", message).execute();
    }

    private static String text(JsonNode e, String field) {
        return e.hasNonNull(field) ? e.get(field).asText() : null;
    }

    private static Timestamp timestamp(JsonNode e, String field) {
        return e.hasNonNull(field) && e.get(field).asLong() > 0 ? new Timestamp(e.get(field).asLong()) : null;
    }
}
