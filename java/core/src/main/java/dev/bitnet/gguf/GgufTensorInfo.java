package dev.bitnet.gguf;

/**
 * One tensor's entry in a GGUF file.
 *
 * @param name       the tensor's name ("blk.0.attn_q.weight")
 * @param type       its element type
 * @param dims       dimensions, ne0 first: a weight [out, in] is listed {in, out}
 * @param fileOffset absolute byte offset of its data in the file
 * @param byteSize   bytes of data
 */
public record GgufTensorInfo(String name, GgmlType type, long[] dims, long fileOffset, long byteSize) {

    public long elements() {
        long n = 1;
        for (long d : dims) n *= d;
        return n;
    }

    /** ne0: the input (column) dimension. */
    public long cols() {
        return dims.length == 0 ? 1 : dims[0];
    }

    /** Product of the dimensions after ne0: the number of rows. */
    public long rows() {
        long n = 1;
        for (int i = 1; i < dims.length; i++) n *= dims[i];
        return n;
    }

    public String shape() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < dims.length; i++) sb.append(i == 0 ? "" : ", ").append(dims[i]);
        return sb.append('}').toString();
    }
}
