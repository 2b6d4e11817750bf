package dev.trainforge.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.testing.SharedSpark;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;

/** Files and directories made through {@link LocalFiles} get the permissions Hadoop asks for. */
class LocalFilesTest {
  private static FileSystem localFiles() throws Exception {
    Configuration conf = new Configuration(false);
    conf.set("fs.file.impl", LocalFiles.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    conf.set("fs.permissions.umask-mode", "022");
    return FileSystem.get(java.net.URI.create("file:///"), conf);
  }

  @Test
  void aFileAndItsChecksumGetThePermissionAskedForAndADirectoryTheUmasksOne() throws Exception {
    Path dir = SharedSpark.tempDir("trainforge-local-files");
    FileSystem fs = localFiles();
    assertThat(fs).isInstanceOf(LocalFiles.class);
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir.resolve("d/f.txt").toUri());
    try (OutputStream out =
        fs.create(file, new FsPermission((short) 0640), false, 4096, (short) 1, 1 << 20, null)) {
      out.write(1);
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("d/f.txt"))))
        .isEqualTo("rw-r-----");
    assertThat(Files.exists(dir.resolve("d/.f.txt.crc"))).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("d"))))
        .isEqualTo("rwxr-xr-x");

    fs.setPermission(file, new FsPermission((short) 0604));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("d/f.txt"))))
        .isEqualTo("rw----r--");
  }

  @Test
  void aStickyBitGoesToHadoopsOwnWay() throws Exception {
    Path dir = SharedSpark.tempDir("trainforge-local-files-sticky");
    FileSystem fs = localFiles();
    org.apache.hadoop.fs.Path sticky = new org.apache.hadoop.fs.Path(dir.resolve("s").toUri());
    assertThat(fs.mkdirs(sticky)).isTrue();
    fs.setPermission(sticky, new FsPermission((short) 01777));
    assertThat(fs.getFileStatus(sticky).getPermission().getStickyBit()).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("s"))))
        .isEqualTo("rwxrwxrwx");
  }
}
