// The vocabularies a sample's fields are chosen from: organisms (by id), sample types, sources and purification
// targets (by name), as select options: [value, text] pairs, the first one '' for none (or any, in a filter).
import { get } from '../../core/api.js';
import { useLoad } from '../../components/page.js';

export function useVocabularies() {
  return useLoad(async () => {
    const [organisms, types, sources, targets] = await Promise.all([
      get('/organisms'), get('/samples/types'), get('/samples/sources'), get('/samples/purification_targets')]);
    const named = (entries) => entries.map((e) => [e.name, e.name]);
    return {
      organism: organisms.organisms.map((o) => [o.id, o.name]),
      sample_type: named(types.sample_types),
      source: named(sources.sources),
      purification_target: named(targets.targets),
    };
  }, []);
}

/** The options of one vocabulary, after the one for none (`blank`), or only that while they load. */
export function options(vocabularies, name, blank) {
  return [['', vocabularies.data ? blank : 'Loading…'], ...(vocabularies.data?.[name] || [])];
}
