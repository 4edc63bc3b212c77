package io.ganglion.examples.fashion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** predict shows a JPEG as a viewer does, turned by its EXIF orientation (phone photos). */
class ExifOrientationTest {
  @TempDir Path dir;

  /**
   * A 3x2 image {@code a b c / d e f} under each orientation, as the EXIF specification draws
   * them: 1 as stored, 2 mirrored, 3 turned 180 degrees, 4 flipped, 5 transposed, 6 turned 90
   * degrees clockwise, 7 transversed, 8 turned 90 degrees counterclockwise.
   */
  @Test
  void everyOrientationTurnsOrMirrorsAsSpecified() {
    float[] stored = {1, 2, 3, 4, 5, 6};
    float[][] shown = {
      {1, 2, 3, 4, 5, 6},
      {3, 2, 1, 6, 5, 4},
      {6, 5, 4, 3, 2, 1},
      {4, 5, 6, 1, 2, 3},
      {1, 4, 2, 5, 3, 6},
      {4, 1, 5, 2, 6, 3},
      {6, 3, 5, 2, 4, 1},
      {3, 6, 2, 5, 1, 4},
    };
    for (int o = 1; o <= 8; o++) {
      assertArrayEquals(shown[o - 1], PredictCommand.orient(stored, 3, 2, o), "orientation " + o);
    }
  }

  @Test
  void theOrientationIsReadFromTheExifSegmentInEitherByteOrder() throws Exception {
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY), "jpg", jpeg);
    byte[] plain = jpeg.toByteArray();
    Path none = Files.write(dir.resolve("plain.jpg"), plain);
    assertEquals(1, PredictCommand.exifOrientation(none));
    for (boolean motorola : new boolean[] {true, false}) {
      Path turned = Files.write(dir.resolve("turned" + motorola + ".jpg"),
          withExif(plain, 6, motorola));
      assertEquals(6, PredictCommand.exifOrientation(turned), "big-endian " + motorola);
      // ImageIO still reads it, unturned; predict turns it.
      assertEquals(8, ImageIO.read(turned.toFile()).getWidth());
    }
    assertEquals(1, PredictCommand.exifOrientation(
        Files.write(dir.resolve("short.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8})));
    // Behind two APP2 segments of 64 KiB (an ICC profile, say) the EXIF segment starts past the
    // first 128 KiB, where only the first 64 KiB of the file were read.
    byte[] turned = withExif(plain, 6, true);
    ByteArrayOutputStream far = new ByteArrayOutputStream();
    far.write(turned, 0, 2);
    int length = 65_535;
    for (int segment = 0; segment < 2; segment++) {
      far.write(0xff);
      far.write(0xe2);
      far.write(length >> 8);
      far.write(length & 0xff);
      far.writeBytes(new byte[length - 2]);
    }
    far.write(turned, 2, turned.length - 2);
    assertEquals(6, PredictCommand.exifOrientation(
        Files.write(dir.resolve("far.jpg"), far.toByteArray())));
  }

  /** The JPEG with an APP1 EXIF segment holding one IFD entry: orientation. */
  private static byte[] withExif(byte[] jpeg, int orientation, boolean bigEndian) {
    java.nio.ByteBuffer tiff = java.nio.ByteBuffer.allocate(26)
        .order(bigEndian ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN);
    tiff.put(bigEndian ? (byte) 'M' : (byte) 'I').put(bigEndian ? (byte) 'M' : (byte) 'I');
    tiff.putShort((short) 42).putInt(8).putShort((short) 1);
    tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation)
        .putShort((short) 0).putInt(0);
    byte[] exif = "Exif\0\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    int length = 2 + exif.length + tiff.capacity();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, 2);
    out.write(0xff);
    out.write(0xe1);
    out.write(length >> 8);
    out.write(length & 0xff);
    out.writeBytes(exif);
    out.writeBytes(tiff.array());
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }
}
