package bio.flow.nextflow;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import nextflow.Session;
import nextflow.trace.TraceObserver;
import nextflow.trace.TraceObserverFactory;
import org.pf4j.Extension;

/**
 * Gives Nextflow an {@link EventsObserver} when Flow launched the run, that is when {@value #EVENTS_FILE} names the
 * file to append the events to; otherwise none (the plugin then does nothing).
 */
@Extension
public class FlowObserverFactory implements TraceObserverFactory {
    public static final String EVENTS_FILE = "FLOW_EVENTS_FILE";

    @Override
    public Collection<TraceObserver> create(Session session) {
        String file = System.getenv(EVENTS_FILE);
        if (file == null || file.isBlank()) return List.of();
        return List.of(new EventsObserver(Path.of(file)));
    }
}
