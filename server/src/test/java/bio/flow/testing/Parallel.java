package bio.flow.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs calls at once, for tests of what parallel requests must not slip past (limits, single use, rotation). */
public final class Parallel {
    private Parallel() {}

    /** Runs every call at once (one thread each) and returns their results in the order of the calls. */
    public static <T> List<T> run(List<Callable<T>> calls) throws Exception {
        return run(calls.size(), calls);
    }

    /** Runs the calls on {@code threads} threads, released together, and returns their results in the order of the calls. */
    public static <T> List<T> run(int threads, List<Callable<T>> calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> call : calls) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) results.add(f.get());
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
