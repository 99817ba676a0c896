package bio.flow.pipelines;

import bio.flow.http.ApiException;
import bio.flow.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipelines Flow ships (the repository's {@code pipelines/}, bundled into the server as
 * {@code shipped-pipelines/}): at each start every one is extracted to
 * {@code <pipelines dir>/shipped/<folder>-<version>/} (FLOW_PIPELINES_DIR) (left as it is when its files are the same) and its
 * version registered, with its pipeline and category when they are missing, unless the registry has that
 * version of that pipeline already. Each folder describes itself in {@value #DESCRIPTOR}: name, description,
 * category, version, and the fields of {@code POST /pipelines/<id>/versions/new} but {@code source}.
 */
public final class ShippedPipelines {
    private static final Logger log = LoggerFactory.getLogger(ShippedPipelines.class);
    public static final String DESCRIPTOR = "flow-pipeline.json";
    /** Where the build puts the repository's pipelines/ in the server's classes (and jar). */
    static final String BUNDLED = "shipped-pipelines";

    /** How old an unfinished extraction or checkout must be to count as abandoned (see PipelineFiles.sweepAbandoned). */
    private static final java.time.Duration ABANDONED = java.time.Duration.ofDays(1);

    private ShippedPipelines() {}

    /**
     * Extracts and registers the pipelines under {@code bundle} (each folder with a {@value #DESCRIPTOR}); a broken one
     * is logged and skipped, so that it does not keep the server from starting. First removes what registrations
     * that a stopped server broke off left under {@code <pipelines dir>/}.
     */
    public static void atStart(Optional<Path> bundle, Path pipelinesDir, PipelineRegistry registry) {
        PipelineFiles.sweepAbandoned(pipelinesDir, ABANDONED);
        bundle.filter(Files::isDirectory).ifPresent(b -> register(b, pipelinesDir, registry));
    }

    private static void register(Path bundle, Path pipelinesDir, PipelineRegistry registry) {
        List<Path> folders;
        try (Stream<Path> s = Files.list(bundle)) {
            folders = s.filter(f -> Files.isRegularFile(f.resolve(DESCRIPTOR))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the shipped pipelines in " + bundle, e);
        }
        Map<Long, List<Object>> upstreams = new TreeMap<>();
        for (Path folder : folders) {
            String name = folder.getFileName().toString().replace("/", "");
            try {
                JsonNode d = Json.MAPPER.readTree(Files.readAllBytes(folder.resolve(DESCRIPTOR)));
                PipelineRoutes.VersionRequest asked = Json.MAPPER.treeToValue(d, PipelineRoutes.VersionRequest.class);
                String version = required(d, "version");
                // the version names the folder it is extracted to
                if (!version.matches("[A-Za-z0-9][A-Za-z0-9._+-]*")) throw new IllegalArgumentException(DESCRIPTOR + ": version " + version + " cannot name a folder");
                Path target = PipelineFiles.shippedRoot(pipelinesDir).resolve(name + "-" + version);
                extract(folder, target);
                long pipelineId = registry.ensurePipeline(required(d, "name"), d.path("description").asText(""), required(d, "category"));
                if (registry.hasVersion(pipelineId, version)) continue;
                registry.addVersion(pipelineId, PipelineRoutes.spec(new PipelineRoutes.VersionRequest(asked.version(), target.toString(), null,
                        asked.main_script(), asked.input(), asked.outdir_param(), asked.profiles(), asked.config(), null, asked.is_latest())));
                if (asked.upstream() != null && !asked.upstream().isEmpty()) upstreams.put(pipelineId, new ArrayList<>(asked.upstream().stream()
                        .map(u -> (Object) (u.isIntegralNumber() ? u.asLong() : u.asText())).toList()));
                log.info("registered the shipped pipeline {} version {}", required(d, "name"), version);
            } catch (ApiException | IOException | UncheckedIOException | IllegalArgumentException e) {
                if (e instanceof ApiException a && a.status() == 409) continue; // another server registered it at the same time
                log.error("cannot register the shipped pipeline in {}: {}", name, e.getMessage());
            }
        }
        // Upstream pipelines may come later in the folder order: declared once all are registered.
        upstreams.forEach((id, names) -> {
            try {
                registry.setUpstream(id, names);
            } catch (ApiException e) {
                log.error("cannot declare the upstream pipelines {} of the shipped pipeline {}: {}", names, id, e.getMessage());
            }
        });
    }

    /** The pipelines bundled in the server: in its classes folder, or in its jar. Empty when there are none. */
    public static Optional<Path> bundled() {
        try {
            Path code = Path.of(ShippedPipelines.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(code)) return Optional.of(code.resolve(BUNDLED));
            @SuppressWarnings("resource") // kept open for the life of the server: it is the jar the server runs from
            FileSystem jar = FileSystems.newFileSystem(code);
            return Optional.of(jar.getPath("/" + BUNDLED));
        } catch (URISyntaxException | IOException e) {
            log.warn("cannot look for the shipped pipelines: {}", e.toString());
            return Optional.empty();
        }
    }

    /**
     * Copies the folder to {@code target} unless {@code target} has the same files already; scripts in {@code bin/}
     * (which Nextflow puts on the tasks' PATH) are made executable, since a jar keeps no permissions.
     */
    static void extract(Path folder, Path target) throws IOException {
        if (Files.isDirectory(target) && sameFiles(folder, target)) return;
        Path incoming = target.resolveSibling(".incoming-" + UUID.randomUUID());
        Files.createDirectories(incoming);
        try {
            for (String file : files(folder)) {
                Path to = incoming.resolve(file);
                Files.createDirectories(to.getParent());
                Files.copy(folder.resolve(file), to);
                if (file.startsWith("bin/")) to.toFile().setExecutable(true, true);
            }
            if (Files.exists(target)) PipelineFiles.deleteTree(target);
            Files.move(incoming, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            PipelineFiles.deleteTree(incoming);
        }
    }

    private static boolean sameFiles(Path a, Path b) throws IOException {
        List<String> files = files(a);
        if (!files.equals(files(b))) return false;
        for (String f : files) {
            if (!Arrays.equals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)))) return false;
        }
        return true;
    }

    /** The regular files under the folder, as sorted relative paths with '/'. */
    private static List<String> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace(root.getFileSystem().getSeparator(), "/"))
                    .sorted().toList();
        }
    }

    /** A required text field of the descriptor. */
    private static String required(JsonNode d, String field) {
        String v = d.path(field).asText("").strip();
        if (v.isEmpty()) throw new IllegalArgumentException(DESCRIPTOR + " has no " + field);
        return v;
    }
}
