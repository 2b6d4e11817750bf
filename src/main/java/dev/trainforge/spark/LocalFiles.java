package dev.trainforge.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.io.nativeio.NativeIO;

/**
 * Hadoop's local file system ({@code file:}), checksummed as Hadoop's own, that sets a file's or a
 * directory's permission in the JVM. Without Hadoop's native library, which this tool does not
 * ship, {@link RawLocalFileSystem} sets it by running {@code chmod}: a process for every file
 * written (and one for its checksum file) and every directory made, 56 on the sample's build (the
 * Parquet files, Iceberg's metadata, the reports), each spawned by the JVM's helper. A local
 * session uses this class for {@code file:} paths ({@code spark.hadoop.fs.file.impl}, set by {@link
 * SparkSessions}). A sticky bit, which Java's file API cannot set, and a file system without POSIX
 * permissions go to Hadoop's own way.
 */
public final class LocalFiles extends LocalFileSystem {
  public LocalFiles() {
    super(new Raw());
  }

  /** The raw local file system, with permissions set in the JVM. */
  static final class Raw extends RawLocalFileSystem {
    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      if (permission.getStickyBit() || NativeIO.isAvailable()) {
        super.setPermission(p, permission);
        return;
      }
      try {
        Files.setPosixFilePermissions(
            pathToFile(p).toPath(), PosixFilePermissions.fromString(permission.toString()));
      } catch (UnsupportedOperationException e) { // not a POSIX file system
        super.setPermission(p, permission);
      }
    }
  }
}
