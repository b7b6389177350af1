package org.tinykv.multiraft.peer;

import org.tinykv.multiraft.region.RegionErrors;
import org.tinykv.proto.errorpb.Error;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.raft_cmdpb.CmdType;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;
import org.tinykv.proto.raft_cmdpb.Request;

/** The checks a normal (non-admin) command passes before a leader proposes or reads it. Stateless. */
final class CommandChecks {

    private CommandChecks() {
    }

    /** Null if every request of {@code req} is valid for {@code region}, else the error to answer. */
    static Error checkRequests(final RaftCmdRequest req, final Region region) {
        if (req.getRequestsCount() == 0) {
            return RegionErrors.other("empty command");
        }
        final boolean readOnly = isReadOnly(req);
        for (final Request r : req.getRequestsList()) {
            final Error e = ApplyDelegate.validateRequest(r, true, region);
            if (e != null) {
                return e;
            }
            if (!readOnly && r.getCmdType() == CmdType.Snap) {
                return RegionErrors.other("Snap mixed with writes in one command");
            }
        }
        return null;
    }

    /** True if {@code req} only reads (Get and Snap): it is served through ReadIndex, never logged. */
    static boolean isReadOnly(final RaftCmdRequest req) {
        for (final Request r : req.getRequestsList()) {
            if (r.getCmdType() != CmdType.Get && r.getCmdType() != CmdType.Snap) {
                return false;
            }
        }
        return true;
    }
}
