package org.tinykv.server.status;

import java.util.Map;

/** Writes a small JSON object from maps of strings, numbers, booleans and nested maps. */
final class Json {

    private Json() {
    }

    static String write(final Map<String, ?> object) {
        final StringBuilder out = new StringBuilder(512);
        value(out, object);
        return out.append('\n').toString();
    }

    private static void value(final StringBuilder out, final Object v) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(out, String.valueOf(e.getKey()));
                out.append(':');
                value(out, e.getValue());
            }
            out.append('}');
        } else if (v instanceof Iterable<?> list) {
            out.append('[');
            boolean first = true;
            for (Object e : list) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                value(out, e);
            }
            out.append(']');
        } else if (v instanceof Double d) {
            out.append(d.isNaN() || d.isInfinite() ? "null" : PrometheusText.number(d));
        } else if (v instanceof Number || v instanceof Boolean) {
            out.append(v);
        } else {
            string(out, v.toString());
        }
    }

    private static void string(final StringBuilder out, final String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
