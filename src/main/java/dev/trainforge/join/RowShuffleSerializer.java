package dev.trainforge.join;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.spark.serializer.DeserializationStream;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.serializer.Serializer;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.unsafe.Platform;
import scala.Tuple2;
import scala.collection.AbstractIterator;
import scala.reflect.ClassTag;

/**
 * The join's shuffle serializer: each unsafe row as its size (4 bytes, big-endian) and its bytes,
 * the format of Spark's {@code UnsafeRowSerializer}, written with one copy into a plain buffer and
 * read back by pointing the row into one. Spark's serializer writes and reads each size with four
 * one-byte calls on a synchronized buffered stream; this one costs the join's merge on S 6-13% less
 * CPU (BENCHMARKS.md, "Where ours's CPU goes on S"). Keys are not written: the partition is the
 * shuffle's own.
 *
 * <p>A row read is valid until the next one is read (as with Spark's serializer): the reader reuses
 * its buffer.
 */
final class RowShuffleSerializer extends Serializer implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private static final int BUFFER_BYTES = 64 * 1024;

  private final int fieldCount;

  RowShuffleSerializer(int fieldCount) {
    this.fieldCount = fieldCount;
  }

  @Override
  public SerializerInstance newInstance() {
    return new Instance(fieldCount);
  }

  /** Records are self-contained, so the serialized shuffle may reorder them. */
  @Override
  public boolean supportsRelocationOfSerializedObjects() {
    return true;
  }

  private static final class Instance extends SerializerInstance {
    private final int fieldCount;

    Instance(int fieldCount) {
      this.fieldCount = fieldCount;
    }

    @Override
    public SerializationStream serializeStream(OutputStream out) {
      return new Writer(out);
    }

    @Override
    public DeserializationStream deserializeStream(InputStream in) {
      return new Reader(in, fieldCount);
    }

    @Override
    public <T> ByteBuffer serialize(T t, ClassTag<T> tag) {
      throw new UnsupportedOperationException("rows are only shuffled, as streams");
    }

    @Override
    public <T> T deserialize(ByteBuffer bytes, ClassTag<T> tag) {
      throw new UnsupportedOperationException("rows are only shuffled, as streams");
    }

    @Override
    public <T> T deserialize(ByteBuffer bytes, ClassLoader loader, ClassTag<T> tag) {
      throw new UnsupportedOperationException("rows are only shuffled, as streams");
    }
  }

  /** Writes rows into a buffer, and the buffer to the stream when full or flushed. */
  static final class Writer extends SerializationStream {
    private final OutputStream out;
    private byte[] buffer = new byte[BUFFER_BYTES];
    private int at;

    Writer(OutputStream out) {
      this.out = out;
    }

    @Override
    public <T> SerializationStream writeKey(T key, ClassTag<T> tag) {
      return this;
    }

    @Override
    public <T> SerializationStream writeValue(T value, ClassTag<T> tag) {
      return writeObject(value, tag);
    }

    @Override
    public <T> SerializationStream writeObject(T value, ClassTag<T> tag) {
      UnsafeRow row = (UnsafeRow) value;
      int size = row.getSizeInBytes();
      if (at + 4 + size > buffer.length) {
        drain();
        if (4 + size > buffer.length) {
          buffer = new byte[4 + size];
        }
      }
      buffer[at] = (byte) (size >>> 24);
      buffer[at + 1] = (byte) (size >>> 16);
      buffer[at + 2] = (byte) (size >>> 8);
      buffer[at + 3] = (byte) size;
      row.writeToMemory(buffer, Platform.BYTE_ARRAY_OFFSET + at + 4);
      at += 4 + size;
      return this;
    }

    private void drain() {
      unchecked(() -> out.write(buffer, 0, at));
      at = 0;
    }

    @Override
    public void flush() {
      drain();
      unchecked(out::flush);
    }

    @Override
    public void close() {
      drain();
      unchecked(out::close);
    }
  }

  /** A stream call whose {@link IOException} Spark's serializer interfaces cannot declare. */
  private interface StreamCall {
    void run() throws IOException;
  }

  private static void unchecked(StreamCall call) {
    try {
      call.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads rows by pointing one reused row into a buffer refilled from the stream. Two buffers take
   * turns: the bytes not yet read move to the other one, so that the row handed out last stays
   * intact while {@code hasNext} looks ahead.
   */
  static final class Reader extends DeserializationStream {
    private final InputStream in;
    private final UnsafeRow row;
    private byte[] buffer = new byte[BUFFER_BYTES];
    private byte[] spare = new byte[BUFFER_BYTES];
    private int start;
    private int end;
    private boolean closed;

    Reader(InputStream in, int fieldCount) {
      this.in = in;
      this.row = new UnsafeRow(fieldCount);
    }

    /** True when another row follows; closes the stream at its end. */
    boolean more() {
      if (fill(4)) {
        return true;
      }
      close();
      return false;
    }

    /** The next row, valid until the next call; call after {@link #more} said true. */
    UnsafeRow next() {
      int size =
          ((buffer[start] & 0xff) << 24)
              | ((buffer[start + 1] & 0xff) << 16)
              | ((buffer[start + 2] & 0xff) << 8)
              | (buffer[start + 3] & 0xff);
      if (!fill(4 + size)) {
        throw new UncheckedIOException(
            new EOFException("shuffle stream ends inside a row of " + size + " bytes"));
      }
      row.pointTo(buffer, Platform.BYTE_ARRAY_OFFSET + start + 4, size);
      start += 4 + size;
      return row;
    }

    /**
     * Makes {@code need} bytes available from {@code start}; false when the stream ends before the
     * first of them, an error when it ends among them.
     */
    private boolean fill(int need) {
      if (end - start >= need) {
        return true;
      }
      if (closed) {
        return false;
      }
      if (spare.length < need) {
        spare = new byte[Math.max(need, 2 * spare.length)];
      }
      byte[] other = spare;
      System.arraycopy(buffer, start, other, 0, end - start);
      spare = buffer;
      buffer = other;
      end -= start;
      start = 0;
      try {
        while (end < need) {
          int n = in.read(buffer, end, buffer.length - end);
          if (n < 0) {
            if (end > 0) {
              throw new EOFException(
                  "shuffle stream ends after " + end + " bytes of a record of " + need);
            }
            return false;
          }
          end += n;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return true;
    }

    @Override
    public scala.collection.Iterator<Tuple2<Object, Object>> asKeyValueIterator() {
      return new AbstractIterator<>() {
        @Override
        public boolean hasNext() {
          return more();
        }

        @Override
        public Tuple2<Object, Object> next() {
          if (!more()) {
            throw new java.util.NoSuchElementException();
          }
          return new Tuple2<>(null, Reader.this.next());
        }
      };
    }

    @Override
    public scala.collection.Iterator<Object> asIterator() {
      return asKeyValueIterator().map(Tuple2::_2);
    }

    @Override
    public <T> T readObject(ClassTag<T> tag) {
      throw new UnsupportedOperationException("rows are read as an iterator");
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        unchecked(in::close);
      }
    }
  }
}
