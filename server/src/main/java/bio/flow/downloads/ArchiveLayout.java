package bio.flow.downloads;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where each file goes in a bulk archive: {@code project/sample/file}, {@code project/file} for data attached to a
 * project without a sample, {@code sample/file} for a sample in no project (or one the caller may not read),
 * {@code execution/file} for the outputs of an execution (in neither), and {@code file} for data in none. Names are sanitised (no separators, control or reserved characters, never
 * {@code .} or {@code ..}), and made unique within their folder without regard to case (so that the archive
 * unpacks on case-insensitive disks too): the thing with the lowest id keeps its name, the others get
 * {@code _<id>} (before a file's extensions). The result depends only on the input, whatever its order.
 */
public final class ArchiveLayout {
    /** The manifest's name, kept free at the root. */
    public static final String MANIFEST = "MANIFEST.tsv";
    private static final int MAX_NAME = 200;

    private ArchiveLayout() {}

    /** A file to place: its sample, project and execution are null when it has none, or the caller may not read them. */
    public record Item(long dataId, String filename, Long sampleId, String sampleName, Long projectId, String projectName,
                       Long executionId, String executionName) {
        /** A file made by no execution. */
        public Item(long dataId, String filename, Long sampleId, String sampleName, Long projectId, String projectName) {
            this(dataId, filename, sampleId, sampleName, projectId, projectName, null, null);
        }
    }

    /** The path of each item's file, by data id, in the order of the paths. */
    public static Map<Long, String> paths(List<Item> items) {
        List<Item> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparingLong(Item::dataId));
        Map<String, Set<String>> taken = new HashMap<>();
        taken.computeIfAbsent("", k -> new HashSet<>()).add(MANIFEST.toLowerCase(Locale.ROOT));
        // Folders first (projects, executions, then samples, by id), so that a folder's name never depends on the files.
        Map<Long, String> projectDirs = new HashMap<>();
        sorted.stream().filter(i -> i.projectId() != null).map(i -> Map.entry(i.projectId(), i.projectName())).distinct()
                .sorted(Map.Entry.comparingByKey())
                .forEach(p -> projectDirs.put(p.getKey(), unique(taken, "", sanitise(p.getValue()), p.getKey(), false)));
        Map<Long, String> executionDirs = new HashMap<>();
        sorted.stream().filter(i -> i.executionId() != null && i.sampleId() == null && i.projectId() == null)
                .map(i -> Map.entry(i.executionId(), i.executionName())).distinct().sorted(Map.Entry.comparingByKey())
                .forEach(e -> executionDirs.put(e.getKey(), unique(taken, "", sanitise(e.getValue()), e.getKey(), false)));
        Map<Long, String> sampleDirs = new HashMap<>();
        sorted.stream().filter(i -> i.sampleId() != null).sorted(Comparator.comparingLong(Item::sampleId)).forEach(i -> {
            if (sampleDirs.containsKey(i.sampleId())) return;
            String parent = i.projectId() == null ? "" : projectDirs.get(i.projectId()) + "/";
            sampleDirs.put(i.sampleId(), parent + unique(taken, parent, sanitise(i.sampleName()), i.sampleId(), false));
        });
        Map<Long, String> paths = new HashMap<>();
        for (Item i : sorted) {
            String folder = i.sampleId() != null ? sampleDirs.get(i.sampleId()) + "/"
                    : i.projectId() != null ? projectDirs.get(i.projectId()) + "/"
                    : i.executionId() != null ? executionDirs.get(i.executionId()) + "/" : "";
            paths.put(i.dataId(), folder + unique(taken, folder, sanitise(i.filename()), i.dataId(), true));
        }
        Map<Long, String> ordered = new LinkedHashMap<>();
        paths.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> ordered.put(e.getKey(), e.getValue()));
        return ordered;
    }

    /** A name safe as one path segment: separators, control and reserved characters become {@code _}. */
    static String sanitise(String name) {
        StringBuilder out = new StringBuilder();
        name.strip().codePoints().forEach(c -> out.appendCodePoint(c < 0x20 || c == 0x7F || "/\\:*?\"<>|".indexOf(c) >= 0 ? '_' : c));
        String s = out.length() > MAX_NAME ? out.substring(0, MAX_NAME) : out.toString();
        return s.isEmpty() || s.equals(".") || s.equals("..") ? "_" : s;
    }

    private static String unique(Map<String, Set<String>> taken, String folder, String name, long id, boolean file) {
        Set<String> names = taken.computeIfAbsent(folder, k -> new HashSet<>());
        String candidate = name;
        for (int n = 1; !names.add(candidate.toLowerCase(Locale.ROOT)); n++) {
            String suffix = "_" + id + (n == 1 ? "" : "_" + n);
            int dot = file ? name.indexOf('.', 1) : -1;
            candidate = dot < 0 ? name + suffix : name.substring(0, dot) + suffix + name.substring(dot);
        }
        return candidate;
    }
}
