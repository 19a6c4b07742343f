package org.tapegrad.layers.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tapegrad.op.DType;

/** Hand-built files, byte by byte, as another safetensors writer would produce them, and each malformation. */
class SafetensorsFilesTest {

    @TempDir
    Path dir;

    /** 8-byte little-endian length, the header text, then the data bytes. */
    private Path file(String header, byte[] data) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json).put(data);
        Path f = dir.resolve("w.safetensors");
        Files.write(f, b.array());
        return f;
    }

    private static byte[] littleEndian(double... f64) {
        ByteBuffer b = ByteBuffer.allocate(8 * f64.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double d : f64) {
            b.putDouble(d);
        }
        return b.array();
    }

    private static byte[] littleEndian(float... f32) {
        ByteBuffer b = ByteBuffer.allocate(4 * f32.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : f32) {
            b.putFloat(f);
        }
        return b.array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void readsAForeignFileWithMixedDtypesRanksAndOrder() throws IOException {
        // Header order differs from data order, as other writers may produce; 1-D F32 bias then 2-D F64 weight.
        Path f = file("{\"w\":{\"dtype\":\"F64\",\"shape\":[2,3],\"data_offsets\":[12,60]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]},"
                + "\"__metadata__\":{\"format\":\"pt\"}}   ",
                concat(littleEndian(0.5f, -1.25f, 3f), littleEndian(1.0, 2.0, 3.0, 4.0, 5.0, 6.0)));
        WeightFile read = SafetensorsReader.create().read(f);
        assertEquals(List.of("b", "w"), List.copyOf(read.tensors().keySet()), "data order");
        assertEquals(Map.of("format", "pt"), read.metadata());
        WeightTensor w = read.tensors().get("w");
        assertEquals(6.0, w.get(1, 2));
        assertEquals(2.0, w.get(0, 1));
        WeightTensor b = read.tensors().get("b");
        assertEquals(DType.F32, b.dtype());
        assertArrayEquals(new int[] {3}, b.shape());
        assertEquals(1, b.rows());
        assertEquals(-1.25, b.get(0, 1));
        assertEquals(-1.25, b.toStore().doubleValue(0, 1));
    }

    @Test
    void writesTheLayoutOtherReadersExpect() throws IOException {
        Path f = dir.resolve("out.safetensors");
        Map<String, WeightTensor> tensors = new LinkedHashMap<>();
        tensors.put("w", WeightTensor.of(new double[][] {{1, 2}, {3, 4}}));
        tensors.put("b", WeightTensor.vector(0.5, 0.25).withDtype(DType.F32));
        SafetensorsWriter.withoutChecksum().write(f, tensors, Map.of("k", "v"));

        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        long n = bytes.getLong();
        assertEquals(0, n % 8, "header padded to 8 bytes");
        String header = new String(Files.readAllBytes(f), 8, (int) n, StandardCharsets.UTF_8);
        assertEquals("{\"__metadata__\":{\"k\":\"v\"},\"w\":{\"dtype\":\"F64\",\"shape\":[2,2],\"data_offsets\":[0,32]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[32,40]}}", header.strip());
        bytes.position((int) (8 + n));
        assertEquals(1.0, bytes.getDouble());
        assertEquals(2.0, bytes.getDouble(), "row-major");
        assertEquals(3.0, bytes.getDouble());
        assertEquals(4.0, bytes.getDouble());
        assertEquals(0.5f, bytes.getFloat());
        assertEquals(0.25f, bytes.getFloat());
        assertEquals(0, bytes.remaining());
    }

    @Test
    void replacesAnExistingFileAndLeavesNoTemporaryFile() throws IOException {
        Path f = dir.resolve("model.safetensors");
        Files.writeString(f, "old contents");
        SafetensorsWriter.create().write(f, WeightFile.of(Map.of("x", WeightTensor.vector(1))));
        assertEquals(1.0, SafetensorsReader.requiringChecksum().read(f).tensors().get("x").get(0, 0));
        assertEquals(List.of(f), Tensors.listing(dir));
    }

    @Test
    void writerRejectsWhatItCannotWrite() {
        Path f = dir.resolve("bad.safetensors");
        assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.create().write(f,
                WeightFile.of(Map.of("__metadata__", WeightTensor.vector(1)))));
        IllegalArgumentException overflow = assertThrows(IllegalArgumentException.class,
                () -> SafetensorsWriter.create().write(f,
                        WeightFile.of(Map.of("big", WeightTensor.vector(1e39).withDtype(DType.F32)))));
        assertTrue(overflow.getMessage().contains("'big'"), overflow.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.create().write(f,
                Map.of("x", WeightTensor.vector(1)), Map.of(Checksum.KEY, "forged")));
        assertTrue(Files.notExists(f));
    }

    @Test
    void rejectsEachMalformation() throws IOException {
        byte[] two = littleEndian(1.0, 2.0);
        String ok = "\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]";
        assertRejected(tooShort(), "truncated");
        assertRejected(withLength(1000, "{}"), "larger than");
        assertRejected(withLength(-1, "{}"), "absurd");
        assertRejected(withLength(Long.MAX_VALUE, "{}"), "absurd");
        assertRejected(file("[1,2]", new byte[0]), "not a JSON object");
        assertRejected(file("{\"a\":", new byte[0]), "not valid JSON");
        assertRejected(file("{a:{" + ok + "}}", two), "not valid JSON");
        assertRejected(file("{\"a\":{" + ok + "}} x", two), "not valid JSON");
        assertRejected(file("{\"a\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}", two), "dtype 'I64'");
        assertRejected(file("{\"a\":{\"dtype\":\"F64\",\"shape\":[" + "1,".repeat(33) + "2],\"data_offsets\":[0,16]}}", two), "has more than 32 dimensions");
        assertRejected(file("{\"a\":{" + ok + ",\"dtype\":\"F32\"}}", two), "names field 'dtype' twice");
        assertRejected(file("\uFEFF{\"a\":{" + ok + "}}", two), "byte-order mark");
        assertRejected(file("{\"a\":{\"dtype\":\"F64\",\"shape\":[3],\"data_offsets\":[0,16]}}", two), "needs 24 bytes");
        assertRejected(file("{\"a\":{\"dtype\":\"F64\",\"shape\":[0],\"data_offsets\":[0,0]}}", two), "dimension 0");
        assertRejected(file("{\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[8,24]}}", two), "beyond");
        assertRejected(file("{\"a\":{" + ok + "},\"b\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]}}",
                two), "overlaps");
        assertRejected(file("{\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]}}", two), "belong to no");
        assertRejected(file("{\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", two), "trailing");
        assertRejected(file("{\"a\":{" + ok + "},\"a\":{" + ok + "}}", two), "twice");
        assertRejected(file("{\"a\":{\"dtype\":\"F64\",\"shape\":[2]}}", two), "lacks data_offsets");
        assertRejected(file("{\"a\":{" + ok + ",\"extra\":1}}", two), "unknown field");
        assertRejected(file("{\"a\":{\"dtype\":\"F64\",\"shape\":[2.5],\"data_offsets\":[0,16]}}", two), "2.5");
        assertRejected(file("{\"a\":{" + ok + "},\"__metadata__\":{\"n\":1}}", two), "must be a string");
        assertRejected(file("{\"a\":{" + ok + "},\"__metadata__\":{\"" + Checksum.KEY + "\":\"00\"}}", two),
                "checksum mismatch");
        assertRejected(dir.resolve("absent.safetensors"), "does not exist");
        byte[] invalidUtf8 = {'{', '"', (byte) 0xC3, '"', ':', '1', '}'};
        Path bad = dir.resolve("w.safetensors");
        Files.write(bad, concat(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(7).array(),
                invalidUtf8));
        assertRejected(bad, "UTF-8");
    }

    @Test
    void requiringChecksumRejectsPlainFiles() throws IOException {
        Path f = file("{\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", littleEndian(1.0));
        WeightFileException e = assertThrows(WeightFileException.class,
                () -> SafetensorsReader.requiringChecksum().read(f));
        assertTrue(e.getMessage().contains(Checksum.KEY), e.getMessage());
    }

    @Test
    void aTapegradFileWhoseChecksumKeyWasRenamedAndOneDataByteFlippedIsRejected() throws IOException {
        Path f = dir.resolve("renamed.safetensors");
        SafetensorsWriter.create().write(f, Map.of("x", WeightTensor.vector(1.0, 2.0, 3.0)), Map.of());
        byte[] bytes = Files.readAllBytes(f);
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        int key = text.indexOf(Checksum.KEY);
        bytes[key + Checksum.KEY.length() - 1] = 'X'; // "tapegrad.sha25X": the same length, so the header still parses
        bytes[bytes.length - 1] ^= 1;
        Files.write(f, bytes);
        WeightFileException e = assertThrows(WeightFileException.class, () -> SafetensorsReader.create().read(f));
        assertTrue(e.getMessage().contains("written by tapegrad") && e.getMessage().contains(Checksum.KEY), e.getMessage());
    }

    @Test
    void theReaderSaysWhetherItVerifiedTheFile() throws IOException {
        Path ours = dir.resolve("ours.safetensors");
        Path theirs = dir.resolve("theirs.safetensors");
        SafetensorsWriter.create().write(ours, Map.of("x", WeightTensor.vector(1.0)), Map.of());
        SafetensorsWriter.withoutChecksum().write(theirs, Map.of("x", WeightTensor.vector(1.0)), Map.of("format", "pt"));
        assertEquals(WeightFile.Provenance.TAPEGRAD_VERIFIED, SafetensorsReader.create().read(ours).provenance());
        assertEquals(WeightFile.Provenance.OTHER_TOOL_UNVERIFIED, SafetensorsReader.create().read(theirs).provenance());
        assertThrows(IllegalArgumentException.class,
                () -> SafetensorsWriter.withoutChecksum().write(theirs, Map.of("x", WeightTensor.vector(1.0)), Map.of("tapegrad.kind", "x")));
    }

    @Test
    void staleTemporaryFilesOfInterruptedWritesAreRemovedByTheNextWrite() throws IOException {
        Path f = dir.resolve("w.safetensors");
        Path stale1 = Files.writeString(dir.resolve(".w.safetensors.123.tmp"), "partial");
        Path stale2 = Files.writeString(dir.resolve(".w.safetensors.456.tmp"), "partial");
        Path other = Files.writeString(dir.resolve(".v.safetensors.789.tmp"), "another file's");
        SafetensorsWriter.create().write(f, Map.of("x", WeightTensor.vector(1.0)), Map.of());
        assertFalse(Files.exists(stale1) || Files.exists(stale2), "stale temporaries of w.safetensors removed");
        assertTrue(Files.exists(other), "temporaries of other files are left alone");
    }

    /** Fuzz finding: a directory was a bare "IOException: Is a directory"; now it names the file. */
    @Test
    void directoryIsRejectedNamingIt() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("weights.safetensors"));
        assertRejected(sub, "is a directory");
    }

    /**
     * Fuzz finding: a 99 MB header (under the 100 MB limit) ran a 256 MB heap out of memory. The bound is what parsing
     * needs (6 bytes of heap per header byte) against the free heap; here checked against a stated free heap.
     */
    @Test
    void headerLargerThanTheHeapCanParseIsRejectedNamingTheHeap() throws IOException {
        Path f = dir.resolve("huge.safetensors");
        WeightFileException e = assertThrows(WeightFileException.class,
                () -> SafetensorsReader.checkHeaderFitsHeap(f, 99_000_000L, 256L << 20));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("594000000 bytes of heap")
                && e.getMessage().contains("-Xmx"), e.getMessage());
        SafetensorsReader.checkHeaderFitsHeap(f, 40_000_000L, 256L << 20);   // 240 MB of 256: fits
    }

    @Test
    void tensorsOfAnyRankRoundTripAndAreSeenAsMatricesOfTheirLeadingDimensions() throws IOException {
        double[] values = new double[2 * 3 * 4];
        for (int k = 0; k < values.length; k++) {
            values[k] = k * 0.5 - 3;
        }
        Path f = dir.resolve("ranks.safetensors");
        Map<String, WeightTensor> tensors = new java.util.LinkedHashMap<>();
        tensors.put("input", WeightTensor.of(new int[] {2, 3, 4}, values));
        tensors.put("scalar", WeightTensor.of(new int[0], 7.0));
        tensors.put("bias", WeightTensor.vector(1, 2));
        SafetensorsWriter.create().write(f, tensors, Map.of());
        WeightFile read = SafetensorsReader.create().read(f);
        assertEquals(tensors, read.tensors());
        WeightTensor input = read.tensors().get("input");
        assertArrayEquals(new int[] {2, 3, 4}, input.shape());
        assertEquals(6, input.rows());
        assertEquals(4, input.cols());
        assertEquals(values[1 * 4 + 2], input.get(1, 2));          // row 1 of [T·B, I] is t = 0, b = 1
        assertEquals(values[5 * 4 + 3], input.reshape(6, 4).get(5, 3));
        assertArrayEquals(values, input.values());
        assertEquals(7.0, read.tensors().get("scalar").get(0, 0));
        assertThrows(IllegalArgumentException.class, () -> input.reshape(5, 5));
    }

    /** Selecting by name returns only the selected tensors, from files with and without tapegrad's checksum. */
    @Test
    void selectsTensorsByNameAndStillVerifiesTheChecksum() throws IOException {
        Path f = dir.resolve("mixed.safetensors");
        Map<String, WeightTensor> tensors = new java.util.LinkedHashMap<>();
        tensors.put("lstm.weight", WeightTensor.vector(1, 2, 3));
        tensors.put("input", WeightTensor.of(new int[] {2, 1, 2}, 4, 5, 6, 7));
        tensors.put("head.bias", WeightTensor.vector(8));
        SafetensorsWriter.create().write(f, tensors, Map.of());
        WeightFile only = SafetensorsReader.create().read(f, name -> name.startsWith("lstm."));
        assertEquals(Map.of("lstm.weight", tensors.get("lstm.weight")), only.tensors());
        assertEquals(WeightFile.Provenance.TAPEGRAD_VERIFIED, only.provenance());
        byte[] bytes = Files.readAllBytes(f);
        bytes[bytes.length - 1] ^= 1;                                 // a flipped bit in an unselected tensor
        Files.write(f, bytes);
        assertRejected(f, "checksum mismatch");
        WeightFileException e = assertThrows(WeightFileException.class, () -> SafetensorsReader.create().read(f, name -> name.equals("lstm.weight")));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    }

    private Path tooShort() throws IOException {
        Path f = dir.resolve("w.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        return f;
    }

    private Path withLength(long n, String header) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        Path f = dir.resolve("w.safetensors");
        Files.write(f, ByteBuffer.allocate(8 + json.length).order(ByteOrder.LITTLE_ENDIAN).putLong(n).put(json)
                .array());
        return f;
    }

    private static void assertRejected(Path f, String reason) {
        WeightFileException e = assertThrows(WeightFileException.class, () -> SafetensorsReader.create().read(f),
                "expected rejection for: " + reason);
        assertTrue(e.getMessage().contains(f.toString()), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(reason), "expected '" + reason + "' in: " + e.getMessage());
    }
}
