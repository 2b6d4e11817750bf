package dev.trainforge.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.io.nativeio.NativeIO;

/**
 * Hadoop's local file system ({@code file:}), checksummed as Hadoop's own, that sets and reads a
 * file's or a directory's permission in the JVM. Without Hadoop's native library, which this tool
 * does not ship, {@link RawLocalFileSystem} sets it by running {@code chmod}: a process for every
 * file written (and one for its checksum file) and every directory made, 56 on the sample's build
 * (the Parquet files, Iceberg's metadata, the reports), each spawned by the JVM's helper; and it
 * reads a listed file's permission, owner and group by running {@code ls -ld}, once per file and
 * directory that a located listing returns (the report store's index lists every report of the
 * dataset, so that grew with its versions). A local session uses this class for {@code file:} paths
 * ({@code spark.hadoop.fs.file.impl}, set by {@link SparkSessions}). A sticky bit, which Java's
 * file API cannot set, and a file system without POSIX permissions go to Hadoop's own way.
 */
public final class LocalFiles extends LocalFileSystem {
  public LocalFiles() {
    super(new Raw());
  }

  /** The raw local file system, with permissions set and read in the JVM. */
  static final class Raw extends RawLocalFileSystem {
    /**
     * Statuses whose permission, owner and group are read now, in the JVM: Hadoop's own read them
     * when first asked, by running {@code ls -ld}, and a listing that builds located statuses
     * ({@code listFiles}, as Iceberg's prefix listing of the report store does) asks for every file
     * and directory.
     */
    @Override
    public FileStatus[] listStatus(Path f) throws IOException {
      FileStatus[] statuses = super.listStatus(f);
      for (int i = 0; i < statuses.length; i++) {
        statuses[i] = withOwnership(statuses[i]);
      }
      return statuses;
    }

    @Override
    public FileStatus getFileStatus(Path f) throws IOException {
      return withOwnership(super.getFileStatus(f));
    }

    /** The status with its permission, owner and group from Java's file API, if it has them. */
    private FileStatus withOwnership(FileStatus s) throws IOException {
      if (NativeIO.isAvailable() || s.isSymlink()) {
        return s;
      }
      Map<String, Object> a;
      try {
        a = Files.readAttributes(pathToFile(s.getPath()).toPath(), "unix:mode,owner,group");
      } catch (UnsupportedOperationException | IllegalArgumentException | NoSuchFileException e) {
        return s; // not a Unix file system, or gone since it was listed: Hadoop's own way
      }
      return new FileStatus(
          s.getLen(),
          s.isDirectory(),
          s.getReplication(),
          s.getBlockSize(),
          s.getModificationTime(),
          s.getAccessTime(),
          new FsPermission((short) ((Integer) a.get("mode") & 01777)),
          ((UserPrincipal) a.get("owner")).getName(),
          ((GroupPrincipal) a.get("group")).getName(),
          null,
          s.getPath());
    }

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
