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

  @Test
  void aStatusHasThePermissionOwnerAndGroupHadoopsOwnReadsWithoutAProcess() throws Exception {
    Path dir = SharedSpark.tempDir("trainforge-local-files-status");
    Files.writeString(dir.resolve("f.txt"), "x");
    Files.setPosixFilePermissions(
        dir.resolve("f.txt"), PosixFilePermissions.fromString("rw-r-----"));
    Files.createDirectories(dir.resolve("sub"));
    FileSystem ours = localFiles();
    Configuration conf = new Configuration(false);
    FileSystem hadoops = FileSystem.newInstance(java.net.URI.create("file:///"), conf);
    assertThat(hadoops).isNotInstanceOf(LocalFiles.class);
    org.apache.hadoop.fs.Path sub = new org.apache.hadoop.fs.Path(dir.resolve("sub").toUri());
    hadoops.setPermission(sub, new FsPermission((short) 01750));
    org.apache.hadoop.fs.Path base = new org.apache.hadoop.fs.Path(dir.toUri());

    for (String name : java.util.List.of("f.txt", "sub")) {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(base, name);
      org.apache.hadoop.fs.FileStatus mine = ours.getFileStatus(p);
      assertThat(mine.getClass()).isEqualTo(org.apache.hadoop.fs.FileStatus.class);
      assertThat(ownership(mine)).as(name).isEqualTo(ownership(hadoops.getFileStatus(p)));
    }
    assertThat(ownership(ours.getFileStatus(sub))).startsWith("rwxr-x--T");
    java.util.Map<String, String> listed = new java.util.TreeMap<>();
    for (org.apache.hadoop.fs.FileStatus s : ours.listStatus(base)) {
      listed.put(s.getPath().getName(), ownership(s));
    }
    java.util.Map<String, String> listedByHadoop = new java.util.TreeMap<>();
    for (org.apache.hadoop.fs.FileStatus s : hadoops.listStatus(base)) {
      listedByHadoop.put(s.getPath().getName(), ownership(s));
    }
    assertThat(listed).containsOnlyKeys("f.txt", "sub").isEqualTo(listedByHadoop);
    assertThat(listed.get("f.txt")).startsWith("rw-r----- ");
  }

  private static String ownership(org.apache.hadoop.fs.FileStatus s) {
    return s.getPermission() + " " + s.getOwner() + " " + s.getGroup();
  }
}
