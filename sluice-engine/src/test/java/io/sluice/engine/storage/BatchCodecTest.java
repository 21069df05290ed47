package io.sluice.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.ByteString;
import io.sluice.engine.algebra.Row;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchCodecTest {
    private static final List<Object> VALUES = List.of(true, false, 0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE,
            0L, Long.MIN_VALUE, Long.MAX_VALUE, 1.5, -0.0, Double.NaN, Double.NEGATIVE_INFINITY,
            new BigDecimal("123.4500"), new BigDecimal("-1E+30"), BigDecimal.ZERO, "", "héllo ✓ 𝄞",
            LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_999), LocalDateTime.of(2024, 2, 29, 12, 0),
            1.25f, Float.NaN, -0.0f, LocalDate.of(1969, 12, 31), LocalDate.of(2024, 2, 29),
            LocalTime.MIDNIGHT, LocalTime.of(23, 59, 59, 999_999_999), ByteString.fromHex(""),
            ByteString.fromHex("00ff7f80"), List.of(), Arrays.asList(1, null, 3),
            List.of(List.of("a", "b"), List.of()));

    private static byte[] encode(Batch batch) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BatchCodec.write(batch, out);
        return out.toByteArray();
    }

    private static Batch decode(byte[] bytes) throws IOException {
        return BatchCodec.read(new ByteArrayInputStream(bytes));
    }

    private static Object value(int code) {
        return code == VALUES.size() ? null : VALUES.get(code);
    }

    @Test
    void everyValueTypeRoundTrips() throws IOException {
        Batch.Builder b = Batch.builder();
        for (int i = 0; i <= VALUES.size(); i++) {
            b.add(Row.of(value(i), i), Row.of("v", value(i)), i % 2 == 0 ? i + 1 : -i);
        }
        b.add(Row.EMPTY, Row.EMPTY, Long.MIN_VALUE);
        Batch batch = b.build();
        Batch decoded = decode(encode(batch));
        assertThat(decoded).isEqualTo(batch);
        for (int i = 0; i < batch.size(); i++) {
            for (int c = 0; c < batch.key(i).arity(); c++) {
                assertThat(decoded.key(i).get(c)).isEqualTo(batch.key(i).get(c));
            }
        }
    }

    @Test
    void randomBatchesRoundTrip() {
        qt().withExamples(200).forAll(lists().of(integers().between(0, VALUES.size())).ofSizeBetween(0, 30))
                .checkAssert(codes -> {
                    Batch.Builder b = Batch.builder();
                    for (int i = 0; i < codes.size(); i++) {
                        b.add(Row.of(value(codes.get(i))), Row.of(i % 3), i % 5 - 2);
                    }
                    Batch batch = b.build();
                    try {
                        assertThat(decode(encode(batch))).isEqualTo(batch);
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                });
    }

    @Test
    void emptyBatchRoundTrips() throws IOException {
        assertThat(decode(encode(Batch.empty()))).isEqualTo(Batch.empty());
    }

    @Test
    void corruptedPayloadFailsTheCrcCheck() throws IOException {
        byte[] bytes = encode(Batch.ofRow(Row.of("some", 42L), 3));
        bytes[12] ^= 0x10;
        assertThatThrownBy(() -> decode(bytes)).isInstanceOf(IOException.class).hasMessageContaining("CRC32C mismatch");
    }

    @Test
    void everySingleBitFlipIsDetected() throws IOException {
        byte[] original = encode(Batch.ofRow(Row.of(1, "x", new BigDecimal("2.50")), 1));
        for (int i = 0; i < original.length * 8; i++) {
            byte[] bytes = original.clone();
            bytes[i / 8] ^= (byte) (1 << (i % 8));
            assertThatThrownBy(() -> decode(bytes)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void wrongMagicAndTruncationAreReported() throws IOException {
        byte[] bytes = encode(Batch.ofRow(Row.of(1), 1));
        byte[] badMagic = bytes.clone();
        badMagic[0] = 'X';
        assertThatThrownBy(() -> decode(badMagic)).isInstanceOf(IOException.class).hasMessageContaining("magic");
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 2);
        assertThatThrownBy(() -> decode(truncated)).isInstanceOf(EOFException.class).hasMessageContaining("truncated");
        byte[] badVersion = bytes.clone();
        badVersion[4] = 9;
        assertThatThrownBy(() -> decode(badVersion)).isInstanceOf(IOException.class).hasMessageContaining("version 9");
    }

    @Test
    void primitiveColumnsWithNullsRoundTrip() throws IOException {
        // BIGINT, INT and DOUBLE columns are stored as arrays with a NULL bitmap; more than 64 rows
        // so the bitmap spans several words.
        Batch.Builder b = Batch.builder();
        for (int i = 0; i < 200; i++) {
            b.add(Row.of(i % 7 == 0 ? null : (long) i * 1_000_003L, i % 11 == 0 ? null : i - 100),
                    Row.of(i % 13 == 0 ? null : i / 3.0), i % 2 == 0 ? 1 : -2);
        }
        Batch batch = b.build();
        Batch decoded = decode(encode(batch));
        assertThat(decoded).isEqualTo(batch);
        assertThat(decoded.toString()).isEqualTo(batch.toString());
        assertThat(decoded.bytesPerEntry()).isEqualTo(batch.bytesPerEntry());
    }

    @Test
    void mixedArityRowsRoundTrip() throws IOException {
        Batch batch = Batch.builder().add(Row.of(1L), Row.of("a"), 1).add(Row.of(1L, 2L), Row.EMPTY, 2)
                .add(Row.of(2L), Row.of("b", 3), -1).build();
        assertThat(decode(encode(batch))).isEqualTo(batch);
    }

    @Test
    void version1FilesWrittenRowByRowAreStillRead() throws IOException {
        // The format before the columnar layout: per entry a key row, a value row, a zig-zag weight.
        Batch batch = Batch.builder().add(Row.of(1L, "x"), Row.EMPTY, 2).add(Row.of(2L, null), Row.of(1.5), -1).build();
        Encoder e = new Encoder();
        e.writeVarLong(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            e.writeRow(batch.key(i));
            e.writeRow(batch.val(i));
            e.writeSignedVarLong(batch.weight(i));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        e.finish(BatchCodec.MAGIC, 1, out);
        assertThat(decode(out.toByteArray())).isEqualTo(batch);
    }

    @Test
    void aWellFramedButUnorderedPayloadIsRefused() throws IOException {
        // Two entries written in descending key order with a valid CRC: a writer bug, not corruption.
        Encoder e = new Encoder();
        e.writeVarLong(2);
        e.writeByte(1);
        e.writeVarLong(1);
        e.writeByte(1);
        e.writeByte(0);
        e.writeLongs(new long[] {5, 3}, 2);
        e.writeByte(0);
        e.writeLongs(new long[] {1, 1}, 2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        e.finish(BatchCodec.MAGIC, BatchCodec.VERSION, out);
        assertThatThrownBy(() -> decode(out.toByteArray())).isInstanceOf(IOException.class)
                .hasMessageContaining("not strictly ascending");
    }
}
