package bio.flow.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;

/**
 * axe-core run on the page a {@link Browser} shows: the violations of WCAG 2.x A and AA rules (and axe's best
 * practices) that axe rates serious or critical, each as its rule, the elements it found (CSS targets) and what to fix.
 * The script is axe.min.js from the com.deque.html.axe-core:selenium jar on the test class path, injected into the page
 * through WebDriver (which the page's Content-Security-Policy does not govern).
 */
public final class Accessibility {
    private Accessibility() {}

    private static final String AXE = axeScript();
    /** What is asked of axe: whole-page rules included (landmarks, headings), only the failures sent back. */
    private static final String RUN = """
            const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ['violations'] })
              .then((r) => done(r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({
                rule: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })) }))))
              .catch((e) => done({ error: String(e) }));
            """;

    private static String axeScript() {
        try (InputStream in = Accessibility.class.getResourceAsStream("/axe.min.js")) {
            if (in == null) throw new IllegalStateException("axe.min.js is not on the test class path (com.deque.html.axe-core:selenium)");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The serious and critical violations on the page as it is now, one line per element: {@code rule (impact) target: summary}. */
    @SuppressWarnings("unchecked")
    public static List<String> violations(Browser browser) {
        var driver = browser.driver();
        if (!Boolean.TRUE.equals(driver.executeScript("return typeof window.axe === 'object'"))) driver.executeScript(AXE);
        // a page with a long table takes axe a while on a busy CI machine
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(120));
        Object answer = driver.executeAsyncScript(RUN);
        if (answer instanceof Map<?, ?> failed) throw new IllegalStateException("axe failed: " + failed.get("error"));
        List<String> found = new ArrayList<>();
        for (Map<String, Object> v : (List<Map<String, Object>>) answer) {
            for (Map<String, Object> node : (List<Map<String, Object>>) v.get("nodes")) {
                found.add(v.get("rule") + " (" + v.get("impact") + ", " + v.get("help") + ") " + node.get("target") + ": "
                        + String.valueOf(node.get("summary")).replace('\n', ' '));
            }
        }
        return found;
    }

    /** Fails, listing every one of them, when the page has a serious or critical violation. */
    public static void check(Browser browser) {
        List<String> found = violations(browser);
        if (!found.isEmpty()) Assertions.fail("accessibility violations on " + browser.path() + ":\n  " + String.join("\n  ", found));
    }
}
