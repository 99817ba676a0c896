package bio.flow.web;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.BrowserTest;
import bio.flow.testing.Fixtures;
import bio.flow.testing.S3Server;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Downloads through the app in a real headless Chromium (components/download-button.js): a few-MiB file on a throttled
 * connection shows its progress (bar, bytes of the total) and arrives with its exact bytes; a download cancelled
 * midway stops without an error; and with presigned S3 downloads (whose 307 to the bucket the app's CSP would block)
 * the app still saves the file, served by Flow.
 */
class DownloadBrowserTest extends BrowserTest {
    /** 512 KiB/s: a 3 MiB file takes six seconds, long enough to see its progress on a loaded machine. */
    private static final int THROTTLE_BYTES_PER_SECOND = 512 * 1024;
    @TempDir
    Path dir;

    @Test
    void aFewMebibytesShowTheirProgressThenArriveWholeAndACancelledDownloadStops() throws Exception {
        Users.Account owner = Users.signUp(server, "dl");
        byte[] bytes = table(3 << 20);
        long data = Fixtures.upload(owner, "abundances.tsv", bytes, Map.of());
        Path downloads = Files.createDirectories(dir.resolve("downloads"));
        browser.driver().executeCdpCommand("Browser.setDownloadBehavior", Map.of("behavior", "allow", "downloadPath", downloads.toString()));
        browser.signIn(owner, Users.PASSWORD, "/app/data/" + data);
        browser.findWithText("h1", "abundances.tsv");
        throttle();

        // cancelled midway: the progress goes, the button is back, no error and nothing saved
        browser.findWithText(".page-actions button", "Download").click();
        waitForProgress();
        browser.find(".download-progress button").click();
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(d -> browser.all(".download-progress").isEmpty());
        browser.findWithText(".page-actions button", "Download");
        assertThat(browser.all(".form-error")).isEmpty();
        assertThat(downloads.resolve("abundances.tsv")).doesNotExist();

        // to the end: progress while it comes, then the file with its exact bytes
        browser.findWithText(".page-actions button", "Download").click();
        waitForProgress();
        assertThat(browser.find(".download-bytes").getText()).matches("[0-9.]+ (kB|MB) of 3\\.1 MB \\([0-9]{1,2} %\\)");
        assertThat(browser.find(".download-progress button").getAttribute("aria-label")).isEqualTo("Cancel Download");
        browser.screenshots("download-progress");
        Path saved = downloads.resolve("abundances.tsv");
        new WebDriverWait(browser.driver(), Duration.ofSeconds(60)).until(d -> Files.exists(saved));
        assertThat(Files.readAllBytes(saved)).isEqualTo(bytes);
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(d -> browser.all(".download-progress").isEmpty());
        assertThat(browser.all(".form-error")).isEmpty();
    }

    @Test
    void withPresignedS3DownloadsTheAppStillSavesTheFileServedByFlow() throws Exception {
        S3Server s3 = S3Server.shared();
        Map<String, String> settings = new HashMap<>(s3.storageSettings(s3.bucket("webdl")));
        settings.put("FLOW_S3_PRESIGNED_DOWNLOADS", "true");
        try (TestServer presigning = TestServer.start(settings)) {
            browser = anotherBrowser(presigning);
            Users.Account owner = Users.signUp(presigning, "s3dl");
            byte[] bytes = table(1 << 20);
            long data = Fixtures.upload(owner, "on-s3.tsv", bytes, Map.of());
            // a plain GET is sent to the bucket, which the app's connect-src 'self' would not let it fetch
            assertThat(owner.api().get("/downloads/" + data + "/on-s3.tsv").status()).isEqualTo(307);

            Path downloads = Files.createDirectories(dir.resolve("s3-downloads"));
            browser.driver().executeCdpCommand("Browser.setDownloadBehavior", Map.of("behavior", "allow", "downloadPath", downloads.toString()));
            browser.signIn(owner, Users.PASSWORD, "/app/data/" + data);
            browser.findWithText("h1", "on-s3.tsv");
            browser.findWithText(".page-actions button", "Download").click();
            Path saved = downloads.resolve("on-s3.tsv");
            new WebDriverWait(browser.driver(), Duration.ofSeconds(30)).withMessage(() -> browser.find("main").getText())
                    .until(d -> Files.exists(saved));
            assertThat(Files.readAllBytes(saved)).isEqualTo(bytes);
            assertThat(browser.all(".form-error")).isEmpty();
            // the page leaves before its server stops, lest a request it still makes fail into the console checked after the test
            browser.driver().get("about:blank");
        }
    }

    /** Chromium's own throttling of this page's connections (DevTools' network conditions). */
    private void throttle() {
        browser.driver().executeCdpCommand("Network.enable", Map.of());
        browser.driver().executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", false, "latency", 0,
                "downloadThroughput", THROTTLE_BYTES_PER_SECOND, "uploadThroughput", -1));
    }

    /** Waits until the bar shows some bytes but not all of them. */
    private void waitForProgress() {
        new WebDriverWait(browser.driver(), Duration.ofSeconds(20)).until(d -> {
            Object value = browser.driver().executeScript("""
                    const bar = document.querySelector('.download-progress progress');
                    return bar && bar.max > 1 && bar.value > 0 && bar.value < bar.max ? bar.value : null;""");
            return value != null;
        });
    }

    /** A tab-separated text of about {@code size} bytes. */
    private static byte[] table(int size) {
        StringBuilder text = new StringBuilder("protein\tabundance\n");
        for (int i = 0; text.length() < size; i++) text.append("P").append(i).append('\t').append(i * 7 % 1000).append(".25\n");
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
