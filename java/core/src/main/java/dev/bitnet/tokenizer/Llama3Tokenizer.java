package dev.bitnet.tokenizer;

import dev.bitnet.gguf.GgufFile;
import dev.bitnet.gguf.ModelFormatException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Llama 3's byte-level BPE tokenizer: special tokens are cut out of the text first; the rest is split by the Llama 3
 * pattern, each piece's UTF-8 bytes are written in GPT-2's byte alphabet ({@link ByteUnicode}), and a piece that is
 * not itself a token is merged pair by pair in merge-rank order.
 */
public final class Llama3Tokenizer {
    /** Llama 3's pre-tokenizer split pattern. */
    public static final Pattern SPLIT = Pattern.compile(
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+", Pattern.UNICODE_CHARACTER_CLASS);
    private static final int TYPE_CONTROL = 3, TYPE_USER_DEFINED = 4;
    private static final int CACHE_LIMIT = 1 << 16;

    private final String[] tokens;
    private final Map<String, Integer> ids;
    private final Map<String, Integer> mergeRanks;
    private final boolean[] special;
    private final Map<String, Integer> specialIds = new LinkedHashMap<>();
    private final Pattern specialPattern;
    private final byte[][] bytes;
    private final int bosId, eosId;
    private final Map<String, int[]> cache = new HashMap<>();

    /**
     * @param tokens     the vocabulary in GPT-2 byte-to-unicode form, index = id
     * @param merges     "left right" merges, highest priority first
     * @param tokenTypes ggml token types per id (1 normal, 3 control, 4 user-defined, 6 byte), or null
     */
    public Llama3Tokenizer(List<String> tokens, List<String> merges, int[] tokenTypes, int bosId, int eosId) {
        int n = tokens.size();
        if (tokenTypes != null && tokenTypes.length != n) {
            throw new IllegalArgumentException(tokenTypes.length + " token types for " + n + " tokens");
        }
        if (bosId < 0 || bosId >= n || eosId < 0 || eosId >= n) {
            throw new IllegalArgumentException("BOS " + bosId + " / EOS " + eosId + " outside the vocabulary of " + n);
        }
        this.tokens = tokens.toArray(String[]::new);
        this.bosId = bosId;
        this.eosId = eosId;
        this.ids = HashMap.newHashMap(n);
        this.special = new boolean[n];
        this.bytes = new byte[n][];
        for (int i = 0; i < n; i++) {
            String t = this.tokens[i];
            ids.putIfAbsent(t, i);
            special[i] = tokenTypes != null
                    ? tokenTypes[i] == TYPE_CONTROL || tokenTypes[i] == TYPE_USER_DEFINED
                    : t.length() > 4 && t.startsWith("<|") && t.endsWith("|>");
            if (special[i]) specialIds.putIfAbsent(t, i);
            bytes[i] = special[i] ? t.getBytes(StandardCharsets.UTF_8) : toBytes(t);
        }
        this.mergeRanks = HashMap.newHashMap(merges.size());
        for (int r = 0; r < merges.size(); r++) {
            String m = merges.get(r);
            int space = m.indexOf(' ', 1);
            if (space < 0) throw new IllegalArgumentException("merge " + r + " '" + m + "' is not 'left right'");
            String left = m.substring(0, space), right = m.substring(space + 1);
            if (!ids.containsKey(left) || !ids.containsKey(right) || !ids.containsKey(left + right)) {
                throw new IllegalArgumentException("merge " + r + " '" + m + "' uses or makes a token not in the vocabulary");
            }
            mergeRanks.putIfAbsent(m, r);
        }
        List<String> specials = new ArrayList<>(specialIds.keySet());
        specials.sort(Comparator.comparingInt(String::length).reversed());
        this.specialPattern = specials.isEmpty() ? null
                : Pattern.compile(String.join("|", specials.stream().map(Pattern::quote).toList()));
    }

    /** Bytes of a token written in the byte alphabet (characters outside it count as their UTF-8). */
    private static byte[] toBytes(String token) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(token.length());
        for (int i = 0; i < token.length(); i++) {
            int b = ByteUnicode.toByte(token.charAt(i));
            if (b >= 0) out.write(b);
            else out.writeBytes(String.valueOf(token.charAt(i)).getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    /** From a GGUF file's tokenizer.ggml.* keys. */
    public static Llama3Tokenizer fromGguf(GgufFile file) {
        List<String> tokens = file.getStringArray("tokenizer.ggml.tokens");
        List<String> merges = file.has("tokenizer.ggml.merges") ? file.getStringArray("tokenizer.ggml.merges") : List.of();
        int[] types = file.has("tokenizer.ggml.token_type") ? file.getIntArray("tokenizer.ggml.token_type") : null;
        if (file.has("tokenizer.ggml.model") && !file.getString("tokenizer.ggml.model").equals("gpt2")) {
            throw new ModelFormatException(file.path() + ": metadata key 'tokenizer.ggml.model' is '"
                    + file.getString("tokenizer.ggml.model") + "', expected 'gpt2' (byte-level BPE)");
        }
        int bos = file.getInt("tokenizer.ggml.bos_token_id");
        int eos = file.getInt("tokenizer.ggml.eos_token_id");
        try {
            return new Llama3Tokenizer(tokens, merges, types, bos, eos);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file.path() + ": bad tokenizer data (tokenizer.ggml.*): " + e.getMessage());
        }
    }

    /** Encodes text; special-token text such as {@code <|eot_id|>} becomes the special token; BOS first if asked. */
    public int[] encode(String text, boolean addBos) {
        IntList out = new IntList();
        if (addBos) out.add(bosId);
        int from = 0;
        if (specialPattern != null) {
            Matcher m = specialPattern.matcher(text);
            while (m.find()) {
                encodeOrdinary(text.substring(from, m.start()), out);
                out.add(specialIds.get(m.group()));
                from = m.end();
            }
        }
        encodeOrdinary(text.substring(from), out);
        return out.toArray();
    }

    private void encodeOrdinary(String text, IntList out) {
        Matcher m = SPLIT.matcher(text);
        while (m.find()) {
            String piece = ByteUnicode.encode(m.group().getBytes(StandardCharsets.UTF_8));
            for (int id : encodePiece(piece)) out.add(id);
        }
    }

    private int[] encodePiece(String piece) {
        Integer whole = ids.get(piece);
        if (whole != null) return new int[]{whole};
        synchronized (cache) {
            int[] cached = cache.get(piece);
            if (cached != null) return cached;
        }
        List<String> parts = new ArrayList<>(piece.length());
        for (int i = 0; i < piece.length(); i++) parts.add(String.valueOf(piece.charAt(i)));
        while (parts.size() > 1) {
            int best = -1, bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < parts.size(); i++) {
                Integer rank = mergeRanks.get(parts.get(i) + " " + parts.get(i + 1));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                    best = i;
                }
            }
            if (best < 0) break;
            parts.set(best, parts.get(best) + parts.get(best + 1));
            parts.remove(best + 1);
        }
        int[] result = new int[parts.size()];
        for (int i = 0; i < result.length; i++) {
            Integer id = ids.get(parts.get(i));
            if (id == null) throw new IllegalStateException("no token for '" + parts.get(i) + "': the vocabulary lacks a byte token");
            result[i] = id;
        }
        synchronized (cache) {
            if (cache.size() >= CACHE_LIMIT) cache.clear();
            cache.put(piece, result);
        }
        return result;
    }

    public String decode(int[] ids) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int id : ids) out.writeBytes(tokenBytes(id));
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The raw bytes a token stands for (special tokens: their text). */
    public byte[] tokenBytes(int id) {
        return bytes[id];
    }

    /** A token as a person reads it in listings ("Ġworld" shows as " world"; invalid UTF-8 escaped). */
    public String piece(int id) {
        byte[] b = bytes[id];
        var decoder = StandardCharsets.UTF_8.newDecoder();
        try {
            return decoder.decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            StringBuilder sb = new StringBuilder();
            for (byte x : b) sb.append(String.format("\\x%02x", x & 0xFF));
            return sb.toString();
        }
    }

    /** A decoder that turns a stream of ids into text, holding back incomplete UTF-8 sequences. */
    public StreamingDecoder streamingDecoder() {
        return new StreamingDecoder(this);
    }

    public int vocabSize() {
        return tokens.length;
    }

    public int bosId() {
        return bosId;
    }

    public int eosId() {
        return eosId;
    }

    /** The id of a special token by its text ("<|eot_id|>"), if the vocabulary has it. */
    public OptionalInt specialTokenId(String text) {
        Integer id = specialIds.get(text);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    public boolean isSpecial(int id) {
        return special[id];
    }

    /** A growable int array. */
    private static final class IntList {
        private int[] a = new int[16];
        private int n;

        void add(int v) {
            if (n == a.length) a = java.util.Arrays.copyOf(a, 2 * n);
            a[n++] = v;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
