package bio.flow.executions;

import bio.flow.storage.Trees;
import bio.flow.config.Config;
import bio.flow.pipelines.RunnableVersion;
import bio.flow.storage.PrivateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Nextflow as Flow runs it: one child JVM per launch of an execution, on the jars of {@code <lib>/lib} with Flow's
 * plugin (exploded in {@code <lib>/plugin}) installed into Flow's own {@code NXF_HOME} and enabled with
 * {@code -plugins}. {@code <lib>} is FLOW_NEXTFLOW_LIB, else the {@code nextflow} folder the build puts beside Flow's
 * classes or jar ({@code server/target/nextflow}).
 */
public final class Nextflow {
    /** What Nextflow's own launcher opens; without these, -resume silently caches nothing. */
    static final List<String> OPENS = List.of("java.lang", "java.io", "java.nio", "java.net", "java.util",
            "java.util.concurrent", "java.util.concurrent.atomic", "java.util.concurrent.locks", "java.util.regex",
            "java.time", "java.lang.reflect", "java.lang.invoke", "sun.nio.ch", "sun.nio.fs", "sun.net.www.protocol.http",
            "sun.net.www.protocol.https", "sun.net.www.protocol.ftp", "sun.net.www.protocol.file", "jdk.internal.misc",
            "jdk.internal.vm");
    private static final Pattern NEXTFLOW_JAR = Pattern.compile("nextflow-(\\d[\\w.-]*)\\.jar");
    /** The environment variable through which the plugin learns where to append the run's events. */
    static final String EVENTS_FILE_ENV = "FLOW_EVENTS_FILE";
    /** Names the lease file that Flow's plugin watches (see Workers: a Nextflow stops itself when its worker stops renewing). */
    static final String LEASE_FILE_ENV = "FLOW_LEASE_FILE";

    private final Path lib;
    private final Path home;
    private final String version;
    private final String pluginSpec;
    private final RunConfiguration configuration;
    private final List<String> javaOptions;

    private Nextflow(Path lib, Path home, String version, String pluginSpec, RunConfiguration configuration, List<String> javaOptions) {
        this.lib = lib;
        this.home = home;
        this.version = version;
        this.pluginSpec = pluginSpec;
        this.configuration = configuration;
        this.javaOptions = javaOptions;
    }

    /**
     * Finds Nextflow's jars and Flow's plugin, and installs the plugin into {@code <data dir>/nextflow/home} (0700),
     * replacing what an earlier Flow installed there. Refuses to start Flow (ConfigException) when they are missing.
     */
    public static Nextflow install(Config config) {
        Path dir = config.nextflowLib().orElseGet(Nextflow::besideFlow);
        Path jars = dir.resolve("lib");
        Path plugin = dir.resolve("plugin");
        String version = versionOf(jars).orElseThrow(() -> new Config.ConfigException("Nextflow's jars are not in " + jars
                + ": build Flow with Maven (it puts them in server/target/nextflow) or set FLOW_NEXTFLOW_LIB"));
        Manifest manifest = manifest(plugin);
        String id = manifest.getMainAttributes().getValue("Plugin-Id");
        String pluginVersion = manifest.getMainAttributes().getValue("Plugin-Version");
        Path home = config.dataDir().resolve("nextflow").resolve("home");
        try {
            PrivateFiles.folder(home.getParent());
            PrivateFiles.folder(home);
            Path installed = home.resolve("plugins").resolve(id + "-" + pluginVersion);
            Files.createDirectories(installed.getParent());
            Trees.delete(installed);
            copyTree(plugin, installed.resolve("classes"));
            return new Nextflow(jars, home, version, id + "@" + pluginVersion, RunConfiguration.of(config), config.nextflowJavaOptions());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install Flow's Nextflow plugin into " + home, e);
        }
    }

    /**
     * Cancels what the executor still runs of the run's tasks when its Nextflow could not (it was killed): the SLURM jobs
     * working in the run's work folder when the executor is {@code slurm}. The local executor's tasks are processes,
     * which the worker kills itself.
     */
    void cancelStrayJobs(RunDirectory dir) {
        if (configuration.executor().equals("slurm")) SlurmJobs.cancelUnder(dir.work());
    }

    /** The Nextflow version (read once from its jar's name: no JVM is launched to ask). */
    public String version() {
        return version;
    }

    /**
     * Starts Nextflow on the version's pipeline in the run directory (its launch directory), with the parameters
     * already written to {@link RunDirectory#params()}; {@code launch} counts the launches of the run (0 first),
     * {@code resumeSession} continues an earlier one.
     * Nextflow's output goes to the run's stdout and stderr files (appended to, across launches).
     */
    Process launch(RunnableVersion v, RunDirectory dir, int launch, Optional<String> resumeSession) throws IOException {
        Files.writeString(dir.config(), configuration.text(v.config()));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String p : OPENS) cmd.add("--add-opens=java.base/" + p + "=ALL-UNNAMED");
        cmd.addAll(javaOptions);
        cmd.addAll(List.of("-cp", lib.toAbsolutePath() + "/*", "nextflow.cli.Launcher",
                "-log", dir.nextflowLog().toString(), "run", v.directory().resolve(v.mainScript()).toString(),
                "-params-file", dir.params().toString(), "-plugins", pluginSpec, "-with-trace", dir.trace(launch).toString(),
                "-c", dir.config().toString()));
        if (!v.profiles().isEmpty()) cmd.addAll(List.of("-profile", String.join(",", v.profiles())));
        resumeSession.ifPresent(s -> cmd.addAll(List.of("-resume", s)));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.root().toFile())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.stdout().toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.stderr().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Map<String, String> env = pb.environment();
        env.clear();
        env.putAll(environment(System.getenv()));
        env.put("NXF_HOME", home.toString());
        env.put("NXF_OFFLINE", "true");
        env.put("NXF_ANSI_LOG", "false");
        env.put("NXF_DISABLE_CHECK_LATEST", "true");
        env.put(EVENTS_FILE_ENV, dir.events().toString());
        env.put(LEASE_FILE_ENV, dir.lease(launch).toString());
        return pb.start();
    }

    /**
     * What of Flow's own environment Nextflow and the tasks need to run, no more; with where the executors' clients find
     * their cluster (sbatch's SLURM_CONF, kubectl's KUBECONFIG: paths, not secrets).
     */
    private static final Set<String> INHERITED = Set.of("PATH", "HOME", "LANG", "TMPDIR", "JAVA_HOME", "USER", "TZ", "SLURM_CONF", "KUBECONFIG");

    /**
     * The part of Flow's environment Nextflow gets: the allowlisted variables, the locale's LC_*, and the operator's
     * NXF_* settings. Nothing else: Flow's secrets (FLOW_JWT_SECRET, FLOW_DATABASE_PASSWORD, ...) would otherwise reach
     * every task, where a user's parameter such as {@code $FLOW_JWT_SECRET} in a script could print them.
     */
    static Map<String, String> environment(Map<String, String> flow) {
        Map<String, String> env = new HashMap<>();
        flow.forEach((name, value) -> {
            if (INHERITED.contains(name) || name.startsWith("LC_") || name.startsWith("NXF_")) env.put(name, value);
        });
        return env;
    }

    private static Optional<String> versionOf(Path jars) {
        if (!Files.isDirectory(jars)) return Optional.empty();
        try (Stream<Path> files = Files.list(jars)) {
            return files.map(f -> NEXTFLOW_JAR.matcher(f.getFileName().toString())).filter(Matcher::matches)
                    .map(m -> m.group(1)).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Manifest manifest(Path plugin) {
        Path file = plugin.resolve("META-INF/MANIFEST.MF");
        try (InputStream in = Files.newInputStream(file)) {
            return new Manifest(in);
        } catch (IOException e) {
            throw new Config.ConfigException("Flow's Nextflow plugin is not in " + plugin + " (no " + file.getFileName()
                    + "): build Flow with Maven or set FLOW_NEXTFLOW_LIB");
        }
    }

    /** {@code nextflow} beside the folder or jar Flow's classes come from (target/classes, target/flow-server.jar). */
    private static Path besideFlow() {
        try {
            Path code = Path.of(Nextflow.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return code.getParent().resolve("nextflow");
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot tell where Flow's classes are", e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }

}
