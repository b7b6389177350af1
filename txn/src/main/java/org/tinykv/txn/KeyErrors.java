package org.tinykv.txn;

import com.google.protobuf.ByteString;
import org.tinykv.proto.kvrpcpb.KeyError;
import org.tinykv.proto.kvrpcpb.LockInfo;
import org.tinykv.proto.kvrpcpb.WriteConflict;
import org.tinykv.txn.action.KeyFailure;
import org.tinykv.txn.types.Lock;

/** Conversions from txn values to kvrpcpb messages. Stateless. */
final class KeyErrors {
    private KeyErrors() {
    }

    static LockInfo lockInfo(byte[] key, Lock lock) {
        return LockInfo.newBuilder()
                .setPrimaryLock(ByteString.copyFrom(lock.primary()))
                .setLockVersion(lock.startTs())
                .setKey(ByteString.copyFrom(key))
                .setLockTtl(lock.ttl())
                .build();
    }

    static KeyError locked(byte[] key, Lock lock) {
        return KeyError.newBuilder().setLocked(lockInfo(key, lock)).build();
    }

    static KeyError abort(String message) {
        return KeyError.newBuilder().setAbort(message).build();
    }

    static KeyError of(KeyFailure f) {
        if (f instanceof KeyFailure.Locked l) {
            return locked(l.key(), l.lock());
        }
        if (f instanceof KeyFailure.Conflict c) {
            return KeyError.newBuilder().setConflict(WriteConflict.newBuilder()
                    .setStartTs(c.startTs())
                    .setConflictTs(c.conflictTs())
                    .setKey(ByteString.copyFrom(c.key()))
                    .setPrimary(ByteString.copyFrom(c.primary()))).build();
        }
        if (f instanceof KeyFailure.Retryable r) {
            return KeyError.newBuilder().setRetryable(r.message()).build();
        }
        return abort(((KeyFailure.Abort) f).message());
    }
}
