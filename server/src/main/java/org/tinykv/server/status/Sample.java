package org.tinykv.server.status;

import java.util.Objects;

/**
 * One Prometheus sample.
 *
 * @param name   the metric name, e.g. {@code tinykv_engine_wal_fsyncs_total}
 * @param labels the rendered label set without braces, e.g. {@code cf="default",level="0"}; empty for none
 * @param help   one line of help text (the first sample of a name supplies it)
 * @param type   {@code counter} or {@code gauge}
 * @param value  the value
 */
public record Sample(String name, String labels, String help, String type, double value) {

    /** Checks the name and type. */
    public Sample {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(help, "help");
        if (!"counter".equals(type) && !"gauge".equals(type)) {
            throw new IllegalArgumentException("type must be counter or gauge, got " + type);
        }
    }

    /** A counter sample without labels. */
    public static Sample counter(final String name, final String help, final double value) {
        return new Sample(name, "", help, "counter", value);
    }

    /** A gauge sample without labels. */
    public static Sample gauge(final String name, final String help, final double value) {
        return new Sample(name, "", help, "gauge", value);
    }

    /** The series name: the metric name with its labels, as it appears in the text format. */
    public String series() {
        return labels.isEmpty() ? name : name + "{" + labels + "}";
    }
}
