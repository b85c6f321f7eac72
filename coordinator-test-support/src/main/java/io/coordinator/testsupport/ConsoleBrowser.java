package io.coordinator.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.ElementClickInterceptedException;
import org.openqa.selenium.ElementNotInteractableException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium on one server's console, for the console's browser tests: Debian's {@code chromium} and
 * {@code chromium-driver} (paths overridable with -Dchromium.binary and -Dchromedriver.path; without them the
 * test fails and says how to install them). Every wait polls a DOM condition; {@code body[data-busy=no]} is the
 * console saying no render or live update is under way. Screenshots go to target/console-screenshots/.
 */
public final class ConsoleBrowser implements AutoCloseable {
    static final Path CHROMIUM = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("chromedriver.path", "/usr/bin/chromedriver"));
    public static final Path SHOTS = Path.of("target", "console-screenshots");

    public final WebDriver driver;
    public final WebDriverWait wait;
    private final int port;

    /** A browser window of this size on the console at {@code http://127.0.0.1:<port>/}. */
    public ConsoleBrowser(int port, int width, int height) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
            throw new IllegalStateException("The console's browser test needs Chromium and its driver at " + CHROMIUM
                    + " and " + DRIVER + ". Install them with: sudo apt-get install -y chromium chromium-driver"
                    + " (.ci/run does this), or point -Dchromium.binary and -Dchromedriver.path at another copy.");
        }
        this.port = port;
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--window-size=" + width + "," + height);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        wait.ignoring(StaleElementReferenceException.class)
                .ignoring(NoSuchElementException.class)
                .ignoring(ElementClickInterceptedException.class)
                .ignoring(ElementNotInteractableException.class);
        try {
            Files.createDirectories(SHOTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void screenshot(String name) throws IOException {
        Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    public void open(String hash) {
        driver.get("http://127.0.0.1:" + port + "/" + hash);
        settled();
    }

    /** No render in flight and no live update pending. */
    public void settled() {
        wait.until(d -> "no".equals(d.findElement(By.tagName("body")).getDomAttribute("data-busy")));
    }

    public WebElement el(String css) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    public void textIn(String css, String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
    }

    /** Clicks what the selector finds now; a live update may re-render it between finding and clicking. */
    public void click(By by) {
        wait.until(d -> {
            d.findElement(by).click();
            return true;
        });
    }

    public void click(String css) {
        click(By.cssSelector(css));
    }

    /** Replaces a field's text, again if a re-render replaced the field meanwhile, until the field holds it. */
    public void type(String css, String text) {
        wait.until(d -> {
            WebElement e = d.findElement(By.cssSelector(css));
            e.clear();
            e.sendKeys(text);
            return text.equals(e.getDomProperty("value"));
        });
    }

    /** An attribute of what the selector finds, read again if a repaint (every second on the cluster view) replaced it. */
    public String attr(String css, String name) {
        return wait.until(d -> d.findElement(By.cssSelector(css)).getDomAttribute(name));
    }

    /** The visible text of what the selector finds, read again if a repaint replaced it. */
    public String text(String css) {
        return wait.until(d -> d.findElement(By.cssSelector(css)).getText());
    }

    public String value(String css) {
        return wait.until(d -> d.findElement(By.cssSelector(css)).getDomProperty("value"));
    }

    public void acceptConfirm() {
        wait.until(ExpectedConditions.alertIsPresent()).accept();
    }

    /** Signs in through the form and waits until the console says so. */
    public void signIn(String user, String password) {
        type("#login-user", user);
        type("#login-password", password);
        click("#login-form button");
        textIn("#who", "signed in as " + user);
    }

    /** Runs a script in the page and returns its value. */
    public Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
