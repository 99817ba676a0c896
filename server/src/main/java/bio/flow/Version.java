package bio.flow;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Flow's version, as Maven wrote it into flow-version.properties at build time. */
public final class Version {
    private Version() {}

    public static String current() {
        try (InputStream in = Version.class.getResourceAsStream("/flow-version.properties")) {
            Properties p = new Properties();
            if (in != null) p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
