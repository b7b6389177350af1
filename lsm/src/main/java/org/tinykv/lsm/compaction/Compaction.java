package org.tinykv.lsm.compaction;

import java.util.ArrayList;
import java.util.List;
import org.tinykv.lsm.version.FileMetadata;

/**
 * One compaction's inputs: files of {@code level} and the overlapping files of {@code level + 1}.
 *
 * @param cf          column family id
 * @param level       input level
 * @param inputs      files of {@code level}
 * @param nextInputs  overlapping files of {@code level + 1}
 * @param manual      whether requested by compactRange
 */
public record Compaction(int cf, int level, List<FileMetadata> inputs, List<FileMetadata> nextInputs,
                         boolean manual) {

    /** The output level. */
    public int outputLevel() {
        return level + 1;
    }

    /** Whether the single input can be moved down without rewriting. */
    public boolean isTrivialMove() {
        return inputs.size() == 1 && nextInputs.isEmpty() && !manual;
    }

    /** All input files. */
    public List<FileMetadata> allInputs() {
        final List<FileMetadata> out = new ArrayList<>(inputs);
        out.addAll(nextInputs);
        return out;
    }

    /** Total input bytes. */
    public long inputBytes() {
        long sum = 0;
        for (final FileMetadata f : allInputs()) {
            sum += f.size();
        }
        return sum;
    }
}
