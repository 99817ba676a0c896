package bio.flow.mail;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background queue mails are sent from: one sender thread and at most {@link #CAPACITY} mails waiting, so that
 * a flood of requests (or an SMTP server that is down) cannot fill the heap. A mail that does not fit is dropped
 * with a log line; the SMTP timeouts ({@link SmtpMailer}) keep a slow server from holding the queue forever.
 */
public final class MailQueue {
    private static final Logger log = LoggerFactory.getLogger(MailQueue.class);
    public static final int CAPACITY = 1000;

    private MailQueue() {}

    public static ExecutorService create() {
        return create(CAPACITY);
    }

    static ExecutorService create(int capacity) {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(capacity),
                r -> new Thread(r, "flow-mail"),
                (mail, queue) -> log.warn(queue.isShutdown() ? "mail dropped: the mail queue is stopped"
                        : "mail dropped: the mail queue is full ({} mails waiting to be sent)", capacity));
    }
}
