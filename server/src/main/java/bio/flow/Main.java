package bio.flow;

import bio.flow.config.Config;
import bio.flow.db.DataDirLock;
import bio.flow.http.ApiException;

/**
 * {@code java -jar flow-server.jar serve}: starts Flow with the configuration of the environment (see the
 * README's table) and stops it cleanly on SIGTERM or Ctrl-C. The routes are listed in {@link App}.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        String command = args.length == 0 ? "serve" : args[0];
        if (!command.equals("serve")) {
            System.err.println("usage: flow serve");
            System.exit(2);
        }
        App app;
        try {
            app = App.start(Config.load());
        } catch (RuntimeException | Error e) {
            // App.start closed whatever it had opened (the HTTP server too): say why, and never stay half-alive.
            boolean explained = e instanceof DataDirLock.AlreadyInUseException || e instanceof Config.ConfigException
                    || e instanceof ApiException; // a setting refused, such as a too short FLOW_ADMIN_PASSWORD
            if (!explained) e.printStackTrace();
            System.err.println("flow: " + (explained ? "" : "cannot start: ") + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "flow-shutdown"));
        System.out.println("Flow is listening on " + app.baseUrl() + " (API docs at " + app.baseUrl() + "/docs)");
    }
}
