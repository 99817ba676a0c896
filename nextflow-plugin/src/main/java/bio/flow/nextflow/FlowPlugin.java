package bio.flow.nextflow;

import nextflow.plugin.BasePlugin;
import org.pf4j.PluginWrapper;

/** Flow's Nextflow plugin: its one extension, {@link FlowObserverFactory}, reports a run's events to Flow. */
public class FlowPlugin extends BasePlugin {
    public FlowPlugin(PluginWrapper wrapper) {
        super(wrapper);
    }
}
