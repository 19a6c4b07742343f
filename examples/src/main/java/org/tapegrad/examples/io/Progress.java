package org.tapegrad.examples.io;

import java.io.PrintWriter;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr for long runs (training loops), with a short extra message such as the current loss; or
 * nothing at all when disabled ({@code --quiet}, or tests). Close it when done (try-with-resources).
 */
public final class Progress implements AutoCloseable {

    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /**
     * A progress bar named {@code task} counting to {@code max}, drawn on {@code err}, or a silent one when
     * {@code enabled} is false.
     */
    public static Progress start(String task, long max, boolean enabled, PrintWriter err) {
        if (!enabled) {
            return new Progress(null);
        }
        // Our own consumer writes to picocli's err writer instead of probing the terminal through JLine.
        ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250).setConsumer(new ErrConsumer(err)).build();
        return new Progress(bar);
    }

    /** Advances by one unit. */
    public void step() {
        if (bar != null) {
            bar.step();
        }
    }

    /** Advances to {@code n} units. */
    public void stepTo(long n) {
        if (bar != null) {
            bar.stepTo(n);
        }
    }

    /** Text shown after the bar, e.g. {@code "loss 1.234 nats/char"}. */
    public void message(String text) {
        if (bar != null) {
            bar.setExtraMessage(text);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }

    /** Redraws the bar in place with a carriage return; ends its line on close so later output starts fresh. */
    private record ErrConsumer(PrintWriter err) implements ProgressBarConsumer {
        @Override
        public void accept(String rendered) {
            err.print('\r');
            err.print(rendered);
            err.flush();
        }

        @Override
        public int getMaxRenderedLength() {
            return 100;
        }

        @Override
        public void close() {
            err.println();
            err.flush();
        }
    }
}
