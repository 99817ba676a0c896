package bio.flow.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How {@link WebApp} makes a build of the app's files: one id over all of them, and a start refused for a broken app. */
class WebAppBuildTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static final byte[] PAGE = bytes("<script type=\"module\" src=\"{{assets}}/main.js\"></script>");

    private static WebApp build(Map<String, byte[]> files) {
        return new WebApp(files, Map.of("preact.js", bytes("export const h = 1;")));
    }

    @Test
    void theBuildIdChangesWithAnyFileAndOnlyThen() {
        Map<String, byte[]> files = Map.of("index.html", PAGE, "main.js", bytes("import './a.js';"), "a.js", bytes("export {};"));
        String id = build(files).assetsPath();
        assertThat(id).matches("/app/assets/[0-9a-f]{12}");
        assertThat(build(Map.copyOf(files)).assetsPath()).as("the same files").isEqualTo(id);
        assertThat(build(Map.of("index.html", PAGE, "main.js", bytes("import './a.js';"), "a.js", bytes("export {};;"))).assetsPath())
                .as("one byte more in one file").isNotEqualTo(id);
        assertThat(build(Map.of("index.html", PAGE, "main.js", bytes("import './a.js';"), "a.js", bytes("// why\n  export {};"))).assetsPath())
                .as("a comment and indentation: served without them, the same bytes but for a line").isNotEqualTo(id)
                .isEqualTo(build(Map.of("index.html", PAGE, "main.js", bytes("import './a.js';"), "a.js", bytes("// why not\nexport {};"))).assetsPath());
        assertThat(build(Map.of("index.html", PAGE, "main.js", bytes("import './a.js';"), "b.js", bytes("export {};"))).assetsPath())
                .as("a file renamed").isNotEqualTo(id);
        assertThat(new WebApp(files, Map.of("preact.js", bytes("export const h = 2;"))).assetsPath()).as("a library changed").isNotEqualTo(id);
    }

    @Test
    void anAppThatCannotBeServedStopsTheStart() {
        assertThatThrownBy(() -> build(Map.of("main.js", bytes("")))).hasMessageContaining("no index.html");
        assertThatThrownBy(() -> build(Map.of("index.html", bytes("<p>no assets</p>")))).hasMessageContaining("{{assets}}");
        assertThatThrownBy(() -> build(Map.of("index.html", PAGE, "notes.txt", bytes("x")))).hasMessageContaining("notes.txt");
    }

    @Test
    void theShippedAppAndItsLibrariesLoad() {
        WebApp app = new WebApp(List.of());
        assertThat(app.assetsPath()).matches("/app/assets/[0-9a-f]{12}");
        assertThat(WebApp.readFolder("/web")).containsKeys("index.html", "main.js", "app.css", "routes.js");
    }
}
