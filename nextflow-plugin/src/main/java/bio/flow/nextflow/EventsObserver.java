package bio.flow.nextflow;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import nextflow.Session;
import nextflow.processor.TaskHandler;
import nextflow.processor.TaskProcessor;
import nextflow.processor.TaskRun;
import nextflow.trace.TraceObserver;
import nextflow.trace.TraceRecord;

/**
 * Appends one JSON object per line to the events file for each event of the run that Flow shows: the flow's begin,
 * error and completion, each task's submission, start, completion (or reuse on -resume), and each published file.
 * Each line is written whole and flushed at once, so that Flow, tailing the file, sees the event right away and never
 * half a line. Nextflow calls observers from many threads: writes are synchronised. A line's fields:
 * <ul>
 *   <li>all: {@code event}, {@code time} (epoch ms)</li>
 *   <li>{@code flow_begin}: {@code session} (the id -resume takes), {@code run_name}</li>
 *   <li>{@code flow_complete}: {@code success}; {@code flow_error}: nothing more</li>
 *   <li>{@code task_submitted}, {@code task_started}, {@code task_completed}, {@code task_cached}: {@code task_id},
 *       {@code process}, {@code name} (e.g. "FASTQC (1)"), {@code status}, {@code exit} (absent until the task
 *       ended), {@code native_id}, {@code hash}, {@code workdir}, {@code submit}, {@code start}, {@code complete}
 *       (epoch ms), {@code duration} (ms)</li>
 *   <li>{@code file_published}: {@code destination}, {@code source} (the file in the task's work directory)</li>
 *   <li>{@code lease_lost}: the worker running this Nextflow stopped renewing its hold ({@link LeaseWatch}): what follows
 *       (aborted tasks, a failed flow_complete) is the stop, not the pipeline's outcome</li>
 * </ul>
 */
public class EventsObserver implements TraceObserver {
    /** What Nextflow reports as the exit status of a task that has not ended. */
    private static final int NO_EXIT = Integer.MAX_VALUE;

    private final OutputStream out;
    private Session session;

    public EventsObserver(Path file) {
        try {
            this.out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open Flow's events file " + file, e);
        }
    }

    @Override
    public void onFlowCreate(Session session) {
        this.session = session;
        LeaseWatch.start(() -> write(event("lease_lost")));
    }

    @Override
    public void onFlowBegin() {
        Map<String, Object> e = event("flow_begin");
        if (session != null) {
            e.put("session", String.valueOf(session.getUniqueId()));
            e.put("run_name", session.getRunName());
        }
        write(e);
    }

    @Override
    public void onFlowComplete() {
        Map<String, Object> e = event("flow_complete");
        e.put("success", session != null && session.isSuccess());
        write(e);
        close();
    }

    @Override
    public void onFlowError(TaskHandler handler, TraceRecord trace) {
        write(event("flow_error"));
    }

    @Override
    public void onProcessCreate(TaskProcessor process) {}

    @Override
    public void onProcessTerminate(TaskProcessor process) {}

    @Override
    public void onProcessPending(TaskHandler handler, TraceRecord trace) {}

    @Override
    public void onProcessSubmit(TaskHandler handler, TraceRecord trace) {
        write(task("task_submitted", handler, trace));
    }

    @Override
    public void onProcessStart(TaskHandler handler, TraceRecord trace) {
        write(task("task_started", handler, trace));
    }

    @Override
    public void onProcessComplete(TaskHandler handler, TraceRecord trace) {
        write(task("task_completed", handler, trace));
    }

    @Override
    public void onProcessCached(TaskHandler handler, TraceRecord trace) {
        write(task("task_cached", handler, trace));
    }

    @Override
    public boolean enableMetrics() {
        return false;
    }

    @Override
    public void onWorkflowPublish(Object value) {}

    @Override
    public void onFilePublish(Path destination) {}

    @Override
    public void onFilePublish(Path destination, Path source) {
        Map<String, Object> e = event("file_published");
        e.put("destination", destination.toAbsolutePath().toString());
        e.put("source", source == null ? null : source.toAbsolutePath().toString());
        write(e);
    }

    private static Map<String, Object> event(String name) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("event", name);
        e.put("time", System.currentTimeMillis());
        return e;
    }

    private static Map<String, Object> task(String name, TaskHandler handler, TraceRecord trace) {
        Map<String, Object> e = event(name);
        TaskRun task = handler == null ? null : handler.getTask();
        if (trace != null) {
            e.put("task_id", number(trace.get("task_id")));
            e.put("process", trace.get("process"));
            e.put("name", trace.get("name"));
            e.put("status", trace.get("status"));
            Object exit = trace.get("exit");
            if (exit instanceof Number n && n.intValue() != NO_EXIT) e.put("exit", n.intValue());
            e.put("native_id", trace.get("native_id"));
            e.put("hash", trace.get("hash"));
            e.put("workdir", trace.get("workdir"));
            e.put("submit", time(trace.get("submit")));
            e.put("start", time(trace.get("start")));
            e.put("complete", time(trace.get("complete")));
            e.put("duration", number(trace.get("duration")));
        } else if (task != null) {
            e.put("task_id", number(task.getId()));
            e.put("process", task.getProcessor() == null ? null : task.getProcessor().getName());
            e.put("name", task.getName());
            e.put("workdir", task.getWorkDirStr());
        }
        if (task != null && !e.containsKey("exit") && task.getExitStatus() != null && task.getExitStatus() != NO_EXIT) {
            e.put("exit", task.getExitStatus());
        }
        if (task != null && name.equals("task_completed") && task.isFailed()) e.put("failed", true);
        return e;
    }

    /** A number as Nextflow has it (a TaskId, a Long, a String of digits), or null. */
    private static Object number(Object v) {
        if (v == null) return null;
        if (v instanceof Number) return v;
        try {
            return Long.parseLong(v.toString());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A time in epoch ms; Nextflow has 0 for a time that has not come yet. */
    private static Object time(Object v) {
        Object n = number(v);
        return n instanceof Number t && t.longValue() > 0 ? n : null;
    }

    private synchronized void write(Map<String, Object> event) {
        try {
            out.write((Json.object(event) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            // A full disk must not stop the pipeline: Flow then sees its tasks through the trace file and its outcome
            // through Nextflow's exit status (a Nextflow that Flow re-attached to after a restart has no status Flow can
            // read: a lost flow_complete then fails the run).
            System.err.println("flow-plugin: cannot write an event: " + e.getMessage());
        }
    }

    private synchronized void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // nothing more will be written
        }
    }
}
