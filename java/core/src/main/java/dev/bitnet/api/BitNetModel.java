package dev.bitnet.api;

import dev.bitnet.backend.Backend;
import dev.bitnet.backend.Backends;
import dev.bitnet.backend.ForwardBatch;
import dev.bitnet.backend.KvCache;
import dev.bitnet.backend.KvCacheSpec;
import dev.bitnet.kv.BlockAllocator;
import dev.bitnet.kv.BlockTable;
import dev.bitnet.model.ModelConfig;
import dev.bitnet.model.ModelSource;
import dev.bitnet.model.ModelWeights;
import dev.bitnet.model.Transformer;
import dev.bitnet.tokenizer.Llama3Tokenizer;

import java.nio.file.Path;

/**
 * A model loaded onto a backend: its weights, one paged KV cache shared by its sessions, and the tokenizer. Open
 * {@link Session}s to generate; steps of different sessions run one at a time.
 */
public final class BitNetModel implements AutoCloseable {
    /** Tokens per KV-cache block. */
    public static final int KV_BLOCK_SIZE = 16;

    private final Path path;
    private final ModelSource source;
    private final ModelConfig config;
    private final Llama3Tokenizer tokenizer;
    private final Backend backend;
    private final ModelWeights weights;
    private final Transformer transformer;
    private final KvCache cache;
    private final BlockAllocator blocks;
    private final int contextLength;
    private final int maxSequences;
    private final double loadSeconds;

    private BitNetModel(Path path, ModelSource source, ModelConfig config, Llama3Tokenizer tokenizer, Backend backend,
                        ModelWeights weights, Transformer transformer, KvCache cache, BlockAllocator blocks,
                        int contextLength, int maxSequences, double loadSeconds) {
        this.path = path;
        this.source = source;
        this.config = config;
        this.tokenizer = tokenizer;
        this.backend = backend;
        this.weights = weights;
        this.transformer = transformer;
        this.cache = cache;
        this.blocks = blocks;
        this.contextLength = contextLength;
        this.maxSequences = maxSequences;
        this.loadSeconds = loadSeconds;
    }

    static BitNetModel load(Path path, LoadOptions o) {
        long start = System.nanoTime();
        if (o.maxSequences() < 1 || o.prefillChunk() < 1 || o.contextLength() < 0) {
            throw new BitNetException("invalid load options: " + o);
        }
        ModelSource source = ModelSource.open(path);
        Backend backend = null;
        try {
            ModelConfig config = source.config(o.activation());
            Llama3Tokenizer tokenizer = source.tokenizer();
            if (tokenizer.vocabSize() > config.vocabSize()) {
                throw new BitNetException(path + ": the tokenizer has " + tokenizer.vocabSize()
                        + " tokens but the embedding only " + config.vocabSize() + " rows");
            }
            int ctx = o.contextLength() > 0 ? o.contextLength() : config.contextLength();
            backend = Backends.create(o.backend(), o.threads());
            ModelWeights weights = source.load(config, backend, o.lmHead());
            int blocksPerSequence = (ctx + KV_BLOCK_SIZE - 1) / KV_BLOCK_SIZE;
            int numBlocks = Math.multiplyExact(blocksPerSequence, o.maxSequences());
            KvCache cache = backend.allocKvCache(new KvCacheSpec(config.layers(), config.kvHeads(), config.headDim(),
                    KV_BLOCK_SIZE, numBlocks, o.kvType()));
            Transformer transformer = new Transformer(config, backend, weights, Math.max(o.prefillChunk(), o.maxSequences()));
            double seconds = (System.nanoTime() - start) / 1e9;
            return new BitNetModel(path, source, config.withContextLength(ctx), tokenizer, backend, weights, transformer,
                    cache, new BlockAllocator(numBlocks, KV_BLOCK_SIZE), ctx, o.maxSequences(), seconds);
        } catch (RuntimeException | Error e) {
            if (backend != null) backend.close();
            source.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /** The hyper-parameters; contextLength() is the KV capacity per sequence in force. */
    public ModelConfig config() {
        return config;
    }

    public Llama3Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The backend's name ("cpu", "reference", ...). */
    public String backendName() {
        return backend.name();
    }

    /** One line: backend, device, threads. */
    public String backendDescription() {
        return backend.description();
    }

    public double loadSeconds() {
        return loadSeconds;
    }

    /** Bytes of weights on the backend plus the KV cache. */
    public long backendBytes() {
        return weights.bytes() + cache.spec().bytes();
    }

    /** A new conversation with its own KV blocks. */
    public Session newSession() {
        return new Session(this, newBlockTable(), contextLength);
    }

    /** The KV capacity of one sequence, in tokens. */
    public int contextLength() {
        return contextLength;
    }

    /** How many sequences the KV cache holds at their full context at once ({@link LoadOptions#maxSequences()}). */
    public int maxSequences() {
        return maxSequences;
    }

    /** KV-cache blocks an allocation can take (free, or kept by the prefix cache and held by no sequence). */
    public int freeKvBlocks() {
        return blocks.freeBlocks();
    }

    /** KV-cache blocks in all ({@link #KV_BLOCK_SIZE} positions each). */
    public int totalKvBlocks() {
        return blocks.numBlocks();
    }

    /** KV-cache blocks kept for their contents by the prefix cache. */
    public int cachedKvBlocks() {
        return blocks.cachedBlocks();
    }

    // ---- low level: what a scheduler needs to run several sequences in one step (dev.bitnet.scheduler) ----

    /** The most tokens one forward step takes (prompts are fed in chunks of this size). */
    public int maxStepTokens() {
        return transformer.maxTokens();
    }

    /** An empty block table on this model's KV cache: a new sequence's place in it. Release it when done. */
    public BlockTable newBlockTable() {
        return new BlockTable(blocks);
    }

    /**
     * Runs one step of any mix of sequences (their block tables from {@link #newBlockTable}); writes the logits of
     * {@code batch.logitRows()} to {@code logits} ([rows, vocab]). Steps of all callers are serialised here.
     */
    public void forward(ForwardBatch batch, float[] logits) {
        synchronized (transformer) {
            transformer.forward(batch, cache, logits);
        }
    }

    /** Runs one step and picks each logit row's argmax on the backend ({@code ids[k]} for {@code logitRows()[k]}). */
    public void forwardGreedy(ForwardBatch batch, int[] ids) {
        synchronized (transformer) {
            transformer.forwardGreedy(batch, cache, ids);
        }
    }

    @Override
    public void close() {
        synchronized (transformer) {
            cache.close();
            backend.close();
            source.close();
        }
    }
}
