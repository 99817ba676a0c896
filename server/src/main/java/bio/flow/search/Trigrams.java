package bio.flow.search;

import java.time.Duration;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which trigrams of a text filter the trigram indexes are asked for ({@link SearchText#contains}).
 *
 * <p>A trigram index finds the keys containing a text by intersecting the lists of the keys holding each of the
 * text's trigrams, and a common trigram's list is long: on the search bench (3M data records, each file named after
 * its sample, {@code S0310846_R1.fastq.gz}), {@code s03} is in 9% of the file names, and looking up {@code S0310846}
 * took 7-9 ms, of which almost all reading the lists of its common trigrams; its three trigrams found in under 1% of
 * the names ({@code 310}, {@code 108}, {@code 846}) found the 59 names holding all three in 1.2 ms, among which the
 * three matches. So each key column is sampled ({@value #DRAWS} rows drawn at random, at start and every
 * {@link #INTERVAL}), and a text is looked up by its trigrams found in at most {@value #MAX_SHARE} of the sampled rows,
 * the rarest first; the rows found are then tested for the whole text. A text with no trigram that rare is looked up
 * whole, as before (a common text: the planner may then walk the newest rows instead).
 *
 * <p>The sampled keys themselves are kept too, so that the quick search can tell a text that many names hold inside
 * them (its matches are then walked newest first) from one that few names are or start with ({@link #heldBy},
 * {@link #shareStartingWith}).
 *
 * <p>What is looked up changes the cost only, never the matches: a key containing the text contains each of its
 * trigrams, so the rows found hold every match whatever the sample said (stale, or taken on another table's data).
 * The sample is each server's own (several servers on one database each take theirs).
 */
public final class Trigrams implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Trigrams.class);
    /** Rows drawn from each key column (by id, at random; ids not in use draw nothing). */
    static final int DRAWS = 20_000;
    /** A trigram found in more of the sampled rows than this share is not looked up. */
    static final double MAX_SHARE = 0.01;
    /** At most this many trigrams are looked up (the rarest): each more is one more list to read. */
    static final int MAX_LOOKUPS = 6;
    /**
     * The sampled keys are kept up to this many characters: longer than any text searched ({@link SearchText#MAX_LENGTH}),
     * so that a key cut short still tells whether it is or starts with one; and bounded, for long descriptions.
     */
    static final int KEPT_LENGTH = 256;
    private static final Duration INTERVAL = Duration.ofMinutes(15);

    /**
     * One key column's sample: how many rows were drawn, how many of them hold each trigram, and their keys (sorted,
     * each cut to {@link #KEPT_LENGTH} characters).
     */
    record Sample(int rows, Map<String, Integer> rowsWith, List<String> keys) {
        /** The sample of these stored keys. */
        static Sample of(List<String> keys) {
            Map<String, Integer> rowsWith = new HashMap<>();
            for (String k : keys) {
                for (String t : trigrams(k)) rowsWith.merge(t, 1, Integer::sum);
            }
            List<String> kept = keys.stream().map(k -> k.length() > KEPT_LENGTH ? k.substring(0, KEPT_LENGTH) : k).sorted().toList();
            return new Sample(keys.size(), rowsWith, kept);
        }

        /** The share of the sampled keys that start with the ASCII search key {@code key} (or are it). */
        double startingWith(String key) {
            if (rows == 0) return 1;
            return (double) (firstNotBefore(SearchText.prefixEnd(key)) - firstNotBefore(key)) / rows;
        }

        /**
         * Whether at least {@code share} of the sampled keys hold the search key {@code key} at {@code from} or after
         * (0: anywhere; 1: anywhere but at their start). A key cut short may hold it beyond the cut: this errs on the
         * side of "no".
         */
        boolean heldBy(String key, double share, int from) {
            int needed = (int) Math.ceil(share * rows);
            if (rows == 0 || needed == 0) return false;
            int found = 0;
            for (String k : keys) {
                if (k.indexOf(key, from) >= 0 && ++found == needed) return true;
            }
            return false;
        }

        /** The index of the first sampled key not before {@code key}. */
        private int firstNotBefore(String key) {
            int lo = 0, hi = keys.size();
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (keys.get(mid).compareTo(key) < 0) lo = mid + 1;
                else hi = mid;
            }
            return lo;
        }

        double share(String trigram) {
            return (double) rowsWith.getOrDefault(trigram, 0) / rows;
        }

        /** The text's trigrams found in at most {@link #MAX_SHARE} of the rows, the rarest first, at most {@link #MAX_LOOKUPS}. */
        List<String> lookups(String text) {
            if (rows == 0) return List.of();
            return trigrams(text).stream()
                    .filter(t -> share(t) <= MAX_SHARE)
                    .sorted(Comparator.comparingDouble(this::share).thenComparing(Comparator.naturalOrder()))
                    .limit(MAX_LOOKUPS)
                    .toList();
        }
    }

    private final Jdbi jdbi;
    private volatile Map<SearchKey, Sample> samples = Map.of();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "flow-search-trigrams");
        t.setDaemon(true);
        return t;
    });

    public Trigrams(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Samples now (in the background) and then every {@link #INTERVAL} until closed. */
    public void start() {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                sample();
            } catch (RuntimeException e) {
                // Without a sample texts are looked up whole; the next round tries again.
                log.warn("sampling the search keys' trigrams failed: {}", e.toString());
            }
        }, 0, INTERVAL.toSeconds(), TimeUnit.SECONDS);
    }

    /** Samples every key column now, on the caller's thread. */
    public synchronized void sample() {
        Map<SearchKey, Sample> taken = new EnumMap<>(SearchKey.class);
        for (SearchKey key : SearchKey.values()) {
            List<String> keys = jdbi.withHandle(h -> h.createQuery("SELECT coalesce(" + key.column + ", '') FROM " + key.table
                            + " WHERE id IN (SELECT b.lo + floor(random() * (b.hi - b.lo + 1))::bigint"
                            + " FROM (SELECT min(id) AS lo, max(id) AS hi FROM " + key.table + ") b, generate_series(1, :draws))")
                    .bind("draws", DRAWS).mapTo(String.class).list());
            taken.put(key, Sample.of(keys));
        }
        samples = taken;
    }

    /**
     * The trigrams of the text's search key that an index lookup on the key column should be given, the rarest first;
     * empty when the text should be looked up whole (no sample of the column yet, or no trigram rare enough).
     */
    public List<String> lookups(SearchKey key, String text) {
        Sample sample = samples.get(key);
        return sample == null ? List.of() : sample.lookups(text);
    }

    /**
     * The share of the column's sampled keys that start with the ASCII search key {@code key} (or are it); 1 without a
     * sample: what is not known is not taken as rare.
     */
    public double shareStartingWith(SearchKey column, String key) {
        Sample sample = samples.get(column);
        return sample == null ? 1 : sample.startingWith(key);
    }

    /**
     * Whether at least {@code share} of the column's sampled keys hold the search key {@code key} somewhere after
     * their start ({@code inside}) or anywhere; false without a sample: what is not known is not taken as common.
     */
    public boolean heldBy(SearchKey column, String key, double share, boolean inside) {
        Sample sample = samples.get(column);
        return sample != null && sample.heldBy(key, share, inside ? 1 : 0);
    }

    /**
     * The trigrams of the text's search key ({@code search_key}, V21) made of ASCII letters and digits only: the
     * three-character runs of the key between the characters it keeps that are not ASCII (left out, because Java's
     * and PostgreSQL's lower case may differ for them). Each is a substring of the key PostgreSQL computes.
     */
    static Set<String> trigrams(String text) {
        Set<String> trigrams = new HashSet<>();
        StringBuilder run = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                run.append((char) (c + ('a' - 'A')));
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                run.append(c);
            } else if (c < 0x80) {
                continue; // ASCII that search_key removes: its neighbours meet in the key
            } else {
                run.setLength(0); // kept by search_key, but not part of an ASCII trigram
                continue;
            }
            if (run.length() >= 3) trigrams.add(run.substring(run.length() - 3));
        }
        return trigrams;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
