package dev.bitnet.kv;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * What a full KV block holds, as a key: the SHA-256 of the previous block's key and this block's token ids, so two
 * blocks have the same key only if the whole prefix up to and including them is the same (a cryptographic hash: one
 * client cannot make its tokens collide with another's and read their cached KV).
 */
public final class BlockKey {
    private final byte[] digest;

    private BlockKey(byte[] digest) {
        this.digest = digest;
    }

    /** The key of {@code tokens[from .. from + blockSize)} after the block keyed {@code parent} (null: the first block). */
    public static BlockKey of(BlockKey parent, int[] tokens, int from, int blockSize) {
        ByteBuffer bytes = ByteBuffer.allocate(32 + 4 * blockSize);
        if (parent != null) bytes.put(parent.digest);
        else bytes.position(32);
        for (int i = 0; i < blockSize; i++) bytes.putInt(tokens[from + i]);
        try {
            return new BlockKey(MessageDigest.getInstance("SHA-256").digest(bytes.array()));
        } catch (NoSuchAlgorithmException e) { // every JDK has SHA-256
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlockKey k && Arrays.equals(digest, k.digest);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(digest);
    }
}
