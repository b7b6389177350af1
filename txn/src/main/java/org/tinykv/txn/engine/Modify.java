package org.tinykv.txn.engine;

import java.util.Arrays;
import java.util.Objects;

/**
 * One modification of a write batch. Within one {@link Engine#write} a later modification of the same cf and key
 * wins. Immutable; the arrays are owned by the modification and must not be changed after construction.
 */
public sealed interface Modify permits Modify.Put, Modify.Delete {
    /** The column family modified. */
    TxnCf cf();

    /** The raw (already encoded) key modified. */
    byte[] key();

    /** Sets {@code key} to {@code value} in {@code cf}. */
    record Put(TxnCf cf, byte[] key, byte[] value) implements Modify {
        /** Validates the components. */
        public Put {
            Objects.requireNonNull(cf, "cf");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Put p && cf == p.cf && Arrays.equals(key, p.key) && Arrays.equals(value, p.value);
        }

        @Override
        public int hashCode() {
            return cf.hashCode() * 31 + Arrays.hashCode(key) * 17 + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Put{" + cf.cfName() + ", " + Arrays.toString(key) + " => " + Arrays.toString(value) + "}";
        }
    }

    /** Removes {@code key} from {@code cf} (a no-op if absent). */
    record Delete(TxnCf cf, byte[] key) implements Modify {
        /** Validates the components. */
        public Delete {
            Objects.requireNonNull(cf, "cf");
            Objects.requireNonNull(key, "key");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Delete d && cf == d.cf && Arrays.equals(key, d.key);
        }

        @Override
        public int hashCode() {
            return cf.hashCode() * 31 + Arrays.hashCode(key);
        }

        @Override
        public String toString() {
            return "Delete{" + cf.cfName() + ", " + Arrays.toString(key) + "}";
        }
    }
}
