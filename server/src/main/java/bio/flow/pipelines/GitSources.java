package bio.flow.pipelines;

import bio.flow.http.ApiException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Pipelines from git: a URL is cloned with the {@code git} command into a folder of Flow's, and the checkout is
 * detached at the revision asked for (a commit or tag; the remote's default branch when none is given), which
 * is then resolved to its commit. Git never asks for credentials (a repository that needs them and has none is
 * refused), and every git command is given a time limit, after which it and its children are killed.
 */
public final class GitSources {
    /** https://, ssh:// and file:// URLs, and scp-like {@code user@host:path}; plain http and git:// are not encrypted. */
    private static final Pattern URL = Pattern.compile("^(https://|ssh://|file://)\\S+$|^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:\\S+$");
    /** A commit or tag name as Flow passes it to git: never an option. */
    static final Pattern REVISION = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._/+-]{0,199}$");
    /** The most of git's message a client sees. */
    private static final int MAX_MESSAGE = 1000;

    private final Duration timeout;

    public GitSources(Duration timeout) {
        this.timeout = timeout;
    }

    public static boolean isGitUrl(String source) {
        return URL.matcher(source).matches();
    }

    /**
     * Clones {@code url} into {@code into} (which must not exist) and checks out {@code revision} (null: the default
     * branch; else matching {@link #REVISION}); answers the commit checked out. A failure is a 400 with git's message, with {@code into} removed.
     */
    public String checkout(String url, String revision, Path into) {
        boolean done = false;
        try {
            Result clone = git("clone", "--quiet", "--no-checkout", "--", url, into.toString());
            if (clone.exit != 0) throw failed("source", clone, into);
            Result commit = git("-C", into.toString(), "rev-parse", "--verify", "--quiet", (revision == null ? "HEAD" : revision) + "^{commit}");
            if (commit.exit != 0) {
                throw ApiException.invalid("revision", revision == null ? "the repository has no commit on its default branch"
                        : "the repository has no commit or tag " + revision);
            }
            String sha = commit.out.strip();
            Result checkout = git("-C", into.toString(), "checkout", "--quiet", "--detach", sha);
            if (checkout.exit != 0) throw failed("revision", checkout, into);
            done = true;
            return sha;
        } finally {
            if (!done) PipelineFiles.deleteTree(into);
        }
    }

    private record Result(int exit, String out, String err) {}

    /** Runs git without a terminal or credential prompts, killed with its children past the time limit (a 400). */
    private Result git(String... args) {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = pb.environment();
        for (String inherited : List.of("GIT_DIR", "GIT_WORK_TREE", "GIT_ASKPASS", "SSH_ASKPASS")) env.remove(inherited);
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.put("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run git", e);
        }
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                throw ApiException.invalid("source", "git did not finish within " + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while git ran", e);
        }
        return new Result(p.exitValue(), out.join(), err.join());
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    /** git's message as the client sees it: trimmed, without the path of Flow's checkout. */
    private static ApiException failed(String field, Result r, Path into) {
        String message = r.err.replace(into.toString(), "<checkout>").strip();
        if (message.length() > MAX_MESSAGE) message = "..." + message.substring(message.length() - MAX_MESSAGE);
        return ApiException.invalid(field, "git failed: " + (message.isEmpty() ? "exit code " + r.exit : message));
    }

    /** Reads the stream to its end on a thread of its own (so that git never blocks on a full pipe). */
    private static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (in) {
                text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.complete("");
            }
        }, "git-output");
        t.setDaemon(true);
        t.start();
        return text;
    }
}
