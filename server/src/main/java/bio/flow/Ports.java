package bio.flow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Finding a free TCP port, for "port 0" settings of the HTTP server and the embedded database. */
public final class Ports {
    private Ports() {}

    public static int free() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port", e);
        }
    }
}
