package bio.flow.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Level;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}), driven by Selenium, for the web
 * app's tests. Without them the tests are skipped with a message, unless FLOW_TEST_REQUIRE_BROWSER=true (set by
 * {@code .ci/run}, which installs them): then their absence is a failure.
 */
public final class Browser implements AutoCloseable {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    public static final int DESKTOP_WIDTH = 1280;
    public static final int DESKTOP_HEIGHT = 800;
    public static final int PHONE_WIDTH = 390;
    public static final int PHONE_HEIGHT = 844;
    /** Where screenshots of the pages go, for people to look at (CI keeps target/). */
    public static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriver driver;
    private final String baseUrl;

    private Browser(ChromeDriver driver, String baseUrl) {
        this.driver = driver;
        this.baseUrl = baseUrl;
    }

    /** A new browser (its own profile: no cookies) on the server, or the test skipped (or failed) when there is none. */
    public static Browser open(TestServer server) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String message = "no " + (Files.isExecutable(CHROMIUM) ? CHROMEDRIVER : CHROMIUM)
                    + "; install them with apt-get install chromium chromium-driver";
            if ("true".equals(System.getenv("FLOW_TEST_REQUIRE_BROWSER"))) Assertions.fail("browser tests required but cannot run: " + message);
            Assumptions.abort("browser tests skipped: " + message);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=" + DESKTOP_WIDTH + "," + DESKTOP_HEIGHT, "--hide-scrollbars", "--lang=en-GB");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return new Browser(driver, server.baseUrl());
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Opens a path of the server, as typing it in the address bar (a full load). */
    public void go(String path) {
        driver.get(baseUrl + path);
    }

    public String path() {
        return driver.executeScript("return location.pathname + location.search").toString();
    }

    /**
     * How long a page may take to show what a test waits for: CI runs browser test classes side by side on two cores, where
     * 10 s was once not enough.
     */
    static final Duration WAIT = Duration.ofSeconds(20);

    /** A wait that, timing out, says where the page was and what it showed. */
    private WebDriverWait waiting() {
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        wait.withMessage(() -> {
            try {
                return "at " + path() + ", the page showing: " + driver.findElement(By.tagName("body")).getText();
            } catch (RuntimeException e) {
                return "the page could not be read: " + e.getMessage();
            }
        });
        return wait;
    }

    /** Waits until an element matching the CSS selector is visible, and returns it. */
    public WebElement find(String css) {
        return waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    /** Waits until an element matching the selector shows the text. */
    public WebElement findWithText(String css, String text) {
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
        return driver.findElement(By.cssSelector(css));
    }

    public void waitForPath(String path) {
        waiting().until(d -> path().equals(path));
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Signs in through the sign-in page, as a person would, and waits for the dashboard. */
    public void signIn(Users.Account account, String password) {
        signIn(account, password, "/app/");
    }

    /** Signs in through the sign-in page asked for by the app page {@code next}, and waits until that page is back. */
    public void signIn(Users.Account account, String password, String next) {
        go("/app/signin?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
        fill("username", account.username());
        fill("password", password);
        find("button[type=submit]").click();
        waitForPath(next);
        findWithText(".nav-user", account.username());
    }

    /**
     * Submits the form {@code formCss} as its submit button would (through its submit handler). For forms whose field
     * offers suggestions (a datalist): while those show, Chromium spends a click on closing them, so a click on the
     * button is now and then lost, and whether they show depends on when the search answers.
     */
    public void submit(String formCss) {
        driver.executeScript("arguments[0].requestSubmit()", find(formCss));
    }

    /** Types into the labelled field (whose id is field-NAME, see core/form.js), replacing what it held. */
    public void fill(String name, String value) {
        replaceText(find("#field-" + name), value);
    }

    /**
     * Replaces an input's text by typing, as a person would: WebDriver's clear() empties the element without an input
     * event, so the page's state keeps the old text, and a re-render before the typing (a search answering) puts it back.
     */
    public static void replaceText(WebElement input, String value) {
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        input.sendKeys(value);
    }

    /**
     * What the browser's console said at level SEVERE since the last call: script errors, failed loads, CSP refusals.
     * The API's 4xx answers, which Chromium logs as failed loads too, are left out: the app expects them (a wrong password,
     * no sign-in yet) and shows them where they belong.
     */
    public List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(e -> e.getMessage())
                .filter(m -> !API_REFUSAL.matcher(m).find()).toList();
    }

    private static final java.util.regex.Pattern API_REFUSAL =
            java.util.regex.Pattern.compile("^http://127\\.0\\.0\\.1:[0-9]+/(?!app/)\\S* - Failed to load resource: the server responded with a status of 4[0-9][0-9] ");

    /**
     * Saves the page as it looks now at desktop size ({@code NAME-desktop.png}, 1280x800) and phone width
     * ({@code NAME-phone.png}, 390 px, the whole page's height up to 4000 px), then returns to the window's own size.
     */
    public void screenshots(String name) {
        screenshots(name, width -> {});
    }

    /**
     * The same, calling {@code atEachWidth} with "desktop" and then "phone" while the page is laid out at that width,
     * just before its screenshot (an accessibility check of each layout).
     */
    public void screenshots(String name, Consumer<String> atEachWidth) {
        try {
            Files.createDirectories(SCREENSHOTS);
            // the viewport itself at 1280x800 (the window's size would include the browser's own bars)
            emulate(DESKTOP_WIDTH, DESKTOP_HEIGHT, false);
            atEachWidth.accept("desktop");
            Files.write(SCREENSHOTS.resolve(name + "-desktop.png"), driver.getScreenshotAs(OutputType.BYTES));
            emulate(PHONE_WIDTH, PHONE_HEIGHT, true);
            long height = ((Number) driver.executeScript("return Math.max(document.documentElement.scrollHeight, " + PHONE_HEIGHT + ")")).longValue();
            emulate(PHONE_WIDTH, (int) Math.min(height, 4000), true);
            atEachWidth.accept("phone");
            Files.write(SCREENSHOTS.resolve(name + "-phone.png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    private void emulate(int width, int height, boolean mobile) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
    }

    @Override
    public void close() {
        driver.quit();
    }
}
