package bio.flow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every test of the web app in a real browser shares: the shared test server, a fresh {@link Browser} for each
 * test ({@link #browser}; the test is skipped, or fails in CI, where there is no Chromium), another one when a test
 * needs a second person ({@link #anotherBrowser}), and, after the test, no error in any of their consoles (a failed
 * module, a refused CSP, a script error).
 */
public abstract class BrowserTest {
    protected static final TestServer server = TestServer.shared();
    protected Browser browser;
    private final List<Browser> opened = new ArrayList<>();

    @BeforeEach
    void openBrowser() {
        browser = anotherBrowser();
    }

    /** A browser of its own (its own profile: no cookies), checked and closed after the test like the first. */
    protected Browser anotherBrowser() {
        return anotherBrowser(server);
    }

    /** The same, on a server of the test's own (started with other settings). */
    protected Browser anotherBrowser(TestServer on) {
        Browser b = Browser.open(on);
        opened.add(b);
        return b;
    }

    @AfterEach
    void closeBrowsers() {
        try {
            for (Browser b : opened) assertThat(b.consoleErrors()).as("errors in the browser's console").isEmpty();
        } finally {
            opened.forEach(Browser::close);
        }
    }
}
