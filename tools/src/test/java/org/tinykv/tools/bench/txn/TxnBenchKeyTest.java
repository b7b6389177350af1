package org.tinykv.tools.bench.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class TxnBenchKeyTest {

    @Test
    void keysAreThePrefixAndTwelveZeroPaddedDigits() {
        for (long i : new long[] {0, 7, 10, 99_999, 123_456_789_012L, 999_999_999_999L}) {
            assertEquals(ByteString.copyFrom(String.format(Locale.ROOT, "txnbench/%012d", i),
                StandardCharsets.US_ASCII), TxnBenchRunner.key(i), "key " + i);
        }
    }

    @Test
    void keysSortInIndexOrder() {
        for (long i = 0; i < 2_000; i++) {
            assertTrue(ByteString.unsignedLexicographicalComparator()
                .compare(TxnBenchRunner.key(i), TxnBenchRunner.key(i + 1)) < 0, "key " + i);
        }
    }

    @Test
    void indexesOutsideTwelveDigitsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> TxnBenchRunner.key(-1));
        assertThrows(IllegalArgumentException.class, () -> TxnBenchRunner.key(1_000_000_000_000L));
    }
}
